import { parseHistoryAnnouncement } from "./status-feed";

describe("parseHistoryAnnouncement", () => {
  it("reads the trigger's payload: shop, history row, order, kind, status", () => {
    expect(
      parseHistoryAnnouncement('{"id":"4711","shopId":17008,"orderId":42,"kind":"STATUS","newStatus":"ASSEMBLED"}'),
    ).toEqual({
      shopId: 17008,
      historyId: 4711n,
      orderId: 42,
      kind: "STATUS",
      newStatus: "ASSEMBLED",
    });
  });

  it("leaves out what is missing or malformed, and is null for what is not JSON", () => {
    expect(parseHistoryAnnouncement('{"shopId":8}')).toEqual({ shopId: 8 });
    expect(parseHistoryAnnouncement('{"id":"0","shopId":"8","orderId":-1}')).toEqual({ shopId: null });
    expect(parseHistoryAnnouncement('{"id":"1e3","orderId":1.5}')).toEqual({ shopId: null });
    expect(parseHistoryAnnouncement("not json")).toBeNull();
  });
});
