package temporal

import "fmt"

// Level is a log level of the ABI's write_log; lower is more severe.
type Level uint32

// The log levels, as the ABI numbers them.
const (
	// LevelNone is what LogLevel returns when the worker emits no guest logs (as while replaying).
	LevelNone Level = 0
	// LevelError is for what went wrong.
	LevelError Level = 1
	// LevelWarn is for what may be wrong.
	LevelWarn Level = 2
	// LevelInfo is for what happened.
	LevelInfo Level = 3
	// LevelDebug is for details.
	LevelDebug Level = 4
	// LevelTrace is for everything.
	LevelTrace Level = 5
)

// Log writes message at level through the worker's log (target "guest", with the workflow type
// and ids). The worker suppresses guest logs while it replays history, so each line appears once
// per execution. Standard output and standard error (fmt.Println, a panic's message) reach the
// same log too, at info and error level.
func Log(level Level, message string) { hostWriteLog(level, message) }

// Logf formats and logs at level, unless the worker does not emit that level now (LogLevel):
// then the message is not even formatted.
func Logf(level Level, format string, args ...any) {
	if level > LogLevel() {
		return
	}
	hostWriteLog(level, fmt.Sprintf(format, args...))
}

// Errorf logs at error level, formatting as fmt.Sprintf.
func Errorf(format string, args ...any) { Logf(LevelError, format, args...) }

// Warnf logs at warn level, formatting as fmt.Sprintf.
func Warnf(format string, args ...any) { Logf(LevelWarn, format, args...) }

// Infof logs at info level, formatting as fmt.Sprintf.
func Infof(format string, args ...any) { Logf(LevelInfo, format, args...) }

// Debugf logs at debug level, formatting as fmt.Sprintf.
func Debugf(format string, args ...any) { Logf(LevelDebug, format, args...) }

// Tracef logs at trace level, formatting as fmt.Sprintf.
func Tracef(format string, args ...any) { Logf(LevelTrace, format, args...) }

// LogLevel is the most verbose level the worker emits now (LevelNone while replaying), so code
// can skip building messages nobody will see.
func LogLevel() Level { return hostLogLevel() }
