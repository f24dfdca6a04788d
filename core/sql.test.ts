import { Conditions, likePattern } from "./sql";

describe("likePattern", () => {
  it.each([
    ["роза", "%роза%"],
    ["50%", "%50\\%%"],
    ["a_b", "%a\\_b%"],
    ["C:\\path", "%C:\\\\path%"],
    ["%_\\", "%\\%\\_\\\\%"],
    ["", "%%"],
  ])("%j matches its characters literally: %j", (text, pattern) => {
    expect(likePattern(text)).toBe(pattern);
  });
});

describe("Conditions", () => {
  it("numbers placeholders in the order values are added and joins with and", () => {
    const conditions = new Conditions()
      .add((shop) => `shop_id = ${shop}`, 17008)
      .add(() => "archived_at is null")
      .add((min, max) => `price between ${min} and ${max}`, 100, 900);
    expect(conditions.where).toBe("shop_id = $1 and archived_at is null and price between $2 and $3");
    expect(conditions.values).toEqual([17008, 100, 900]);
  });

  it("a clone grows on its own: the count query keeps the page's conditions without the cursor's", () => {
    const where = new Conditions().add((shop) => `shop_id = ${shop}`, 8);
    const page = where.clone().add((key, id) => `(name, id) > (${key}, ${id})`, "Роза", 5);
    expect(page.where).toBe("shop_id = $1 and (name, id) > ($2, $3)");
    expect(page.values).toEqual([8, "Роза", 5]);
    expect(where.where).toBe("shop_id = $1");
    expect(where.values).toEqual([8]);
  });

  it("no conditions is an empty where", () => {
    expect(new Conditions().where).toBe("");
  });
});
