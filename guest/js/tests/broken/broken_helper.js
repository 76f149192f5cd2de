// Imported by imports_broken.js; the error is on line 4, column 14.
export default function total(order) {
  let sum = 0;
  sum = sum +;
  return sum + order.items.length;
}
