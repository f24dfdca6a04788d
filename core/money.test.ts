import { formatTenge } from "./money";

describe("formatTenge", () => {
  it.each([
    [495000, "4 950 ₸"], // CONTRACT.md: 495000 = "4 950 ₸"
    [0, "0 ₸"],
    [100, "1 ₸"],
    [99, "0,99 ₸"],
    [150050, "1 500,50 ₸"],
    [100000000000, "1 000 000 000 ₸"],
    [123456789, "1 234 567,89 ₸"],
    [-250000, "-2 500 ₸"],
    [-5, "-0,05 ₸"],
  ])("%d tiyn is %j", (tiyn, text) => {
    expect(formatTenge(tiyn)).toBe(text);
  });

  it("drops a fraction of a tiyn", () => {
    expect(formatTenge(1234.9)).toBe("12,34 ₸");
  });
});
