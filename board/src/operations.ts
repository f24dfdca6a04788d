/** The page's GraphQL operations, as sent: each file's text plus the card fragment it uses. */
import assignCourier from "./operations/assign-courier.graphql";
import boardOrder from "./operations/board-order.graphql";
import boardChanges from "./operations/board-changes.graphql";
import boardOrders from "./operations/board-orders.graphql";
import couriers from "./operations/couriers.graphql";
import feedHead from "./operations/feed-head.graphql";
import moveOrder from "./operations/move-order.graphql";
import orderDetails from "./operations/order-details.graphql";
import signIn from "./operations/sign-in.graphql";

export const OPERATIONS = {
  signIn,
  feedHead,
  boardOrders: boardOrders + boardOrder,
  boardChanges: boardChanges + boardOrder,
  moveOrder: moveOrder + boardOrder,
  orderDetails: orderDetails + boardOrder,
  assignCourier: assignCourier + boardOrder,
  couriers,
};
