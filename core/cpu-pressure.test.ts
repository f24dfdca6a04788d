import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cpuPressure, readCpuStallMicros } from "./cpu-pressure";

describe("CPU pressure", () => {
  it("is the stalled share of the time between two samples", () => {
    let stalled = 1_000_000;
    let now = 0;
    const pressure = cpuPressure(
      () => stalled,
      () => now,
    );
    now += 500;
    stalled += 200_000; // 200 ms of 500
    expect(pressure.sample()).toBeCloseTo(0.4);
    now += 1_000;
    expect(pressure.sample()).toBe(0);
  });

  it("says nothing where the kernel keeps no pressure figures", () => {
    const pressure = cpuPressure(() => null);
    expect(pressure.sample()).toBeNull();
    expect(readCpuStallMicros(path.join(os.tmpdir(), "no-such-pressure-file"))).toBeNull();
  });

  it("reads the 'some' total of the kernel's format", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "psi-")), "cpu");
    fs.writeFileSync(
      file,
      "some avg10=1.00 avg60=2.00 avg300=3.00 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=99\n",
    );
    expect(readCpuStallMicros(file)).toBe(123456);
  });
});
