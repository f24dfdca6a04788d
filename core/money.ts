/**
 * Prices are integer tiyn (1/100 tenge). The shop writes them as "4 950 ₸": groups of three
 * separated by a space (as the public contract spells it), a comma before tiyn, and tiyn
 * only when the amount is not whole.
 */
export function formatTenge(tiyn: number): string {
  const negative = tiyn < 0;
  const abs = Math.abs(Math.trunc(tiyn));
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  const fraction = abs % 100;
  return `${negative ? "-" : ""}${whole}${fraction ? `,${String(fraction).padStart(2, "0")}` : ""} ₸`;
}
