import { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import { Order as OrderRow, OrderItem as OrderItemRow, OrderHistory as OrderHistoryRow, OrderPhoto as OrderPhotoRow, ClientProfile as ClientProfileRow, Payment as PaymentRow } from '../../../prisma/generated/client';
import { VariantView as VariantViewRow } from '../../../core/uploads/service';
import { ShopStatsRow as ShopStatsRowRow, DayStats as DayStatsRow, GroupStats as GroupStatsRow, ProductSales as ProductSalesRow } from '../stats';
import { StatusChangeRow as StatusChangeRowRow } from '../../../core/status-feed';
import { OrdersContext } from '../context';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string | number; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A whole number past GraphQL's 32-bit Int, as a JSON number (exact up to 2^53, about 90 trillion ₸ in tiyn). */
  BigInt: { input: number; output: number; }
  /** A calendar day as YYYY-MM-DD, read in the shop's time zone (shop 17008: Asia/Almaty). */
  Date: { input: string; output: string; }
  /** An instant as an ISO-8601 string with a time zone, e.g. 2026-11-26T15:04:05.000Z. */
  DateTime: { input: Date; output: Date; }
  _FieldSet: { input: any; output: any; }
};

/** A photo for `addOrderPhoto`. */
export type AddOrderPhotoInput = {
  /** What the photo shows. */
  kind: OrderPhotoKind;
  /** The id of a READY upload of purpose ORDER_PHOTO that the caller created. */
  uploadId?: InputMaybe<Scalars['ID']['input']>;
  /** An http(s) URL of an image that lives elsewhere. */
  url?: InputMaybe<Scalars['String']['input']>;
};

/** A customer of the shop, known by phone number. */
export type ClientProfile = {
  __typename?: 'ClientProfile';
  /** When the profile was created. */
  createdAt: Scalars['DateTime']['output'];
  /** The profile's id. */
  id: Scalars['ID']['output'];
  /** When the customer's latest order was placed; null when none. */
  lastOrderAt?: Maybe<Scalars['DateTime']['output']>;
  /** The customer's name, as last given. */
  name?: Maybe<Scalars['String']['output']>;
  /** The shop's notes about the client ("allergic to lilies"); null when none. */
  notes?: Maybe<Scalars['String']['output']>;
  /** How many orders the customer has placed (all statuses). */
  orderCount: Scalars['Int']['output'];
  /** The customer's orders, newest first. */
  orders: OrderConnection;
  /** Phone number, normalised: `+` and digits, e.g. +77011234567. */
  phone: Scalars['String']['output'];
  /** The shop's tags for the client, e.g. `VIP`, in the order they were given. */
  tags: Array<Scalars['String']['output']>;
  /** Sum of the totals of the customer's orders that are not cancelled, in tiyn. */
  totalSpent: Scalars['Int']['output'];
};


/** A customer of the shop, known by phone number. */
export type ClientProfileOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A page of clients. */
export type ClientProfileConnection = {
  __typename?: 'ClientProfileConnection';
  /** The clients of this page. */
  edges: Array<ClientProfileEdge>;
  /** Where this page ends and whether another follows. */
  pageInfo: PageInfo;
  /** How many clients match, over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** One client in a page of clients. */
export type ClientProfileEdge = {
  __typename?: 'ClientProfileEdge';
  /** Opaque cursor of this edge, for `after`. */
  cursor: Scalars['String']['output'];
  /** The client. */
  node: ClientProfile;
};

/** The order of the client list. */
export type ClientSort =
  /** Most recent order first; clients without orders last. */
  | 'LAST_ORDER'
  /** Biggest lifetime spending first (cancelled orders left out). */
  | 'TOTAL_SPENT';

/** A new order. Prices come from the catalog at the moment of ordering; the client never sends them. */
export type CreateOrderInput = {
  /** The order's id in Bitrix CRM, when it exists there; unique per shop. */
  bitrixOrderId?: InputMaybe<Scalars['Int']['input']>;
  /** Text for the greeting card. */
  cardText?: InputMaybe<Scalars['String']['input']>;
  /** The customer's comment. */
  comment?: InputMaybe<Scalars['String']['input']>;
  /** Who places the order. */
  customer: CustomerInput;
  /** Where the bouquet goes. */
  deliveryAddress?: InputMaybe<Scalars['String']['input']>;
  /** Delivery fee in tiyn, 0 (the default) or more; added to the total. */
  deliveryFee?: InputMaybe<Scalars['Int']['input']>;
  /** Start of the delivery window. */
  deliveryFrom?: InputMaybe<Scalars['DateTime']['input']>;
  /** Delivery (the default) or pickup. */
  deliveryKind?: InputMaybe<DeliveryKind>;
  /** End of the delivery window; not before `deliveryFrom`. */
  deliveryTo?: InputMaybe<Scalars['DateTime']['input']>;
  /** What is ordered: at least one line, at most 100. */
  items: Array<OrderItemInput>;
  /** Who receives the bouquet. */
  recipient?: InputMaybe<RecipientInput>;
};

/** Who places the order. The phone finds the customer's profile, or creates it. */
export type CustomerInput = {
  /** The customer's name. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** The customer's phone; spaces, dashes and brackets are ignored, a leading 8 is read as +7. */
  phone: Scalars['String']['input'];
};

/** One day of a range. */
export type DayStats = {
  __typename?: 'DayStats';
  /** The calendar day in the shop's time zone. */
  date: Scalars['Date']['output'];
  /** Orders placed that day. */
  orderCount: Scalars['Int']['output'];
  /** The sum of their totals, in tiyn. */
  revenue: Scalars['Int']['output'];
  /**
   * The same sum as `revenue`, as a BigInt. GraphQL's Int stops at 2,147,483,647 tiyn (about 21.5 million ₸),
   * which a busy shop passes in a month; past it `revenue` answers VALUE_TOO_LARGE and this field the exact sum.
   */
  revenueBigInt: Scalars['BigInt']['output'];
};

/** How the bouquet reaches the recipient. */
export type DeliveryKind =
  /** A courier takes it to the address. */
  | 'DELIVERY'
  /** The customer collects it at the shop. */
  | 'PICKUP';

/** Orders and revenue of one group (a status, a source, a delivery kind, paid or not). */
export type GroupStats = {
  __typename?: 'GroupStats';
  /** The group: a status, `BITRIX` / `PANEL`, a delivery kind, `PAID` / `UNPAID`. */
  key: Scalars['String']['output'];
  /** Orders in the group. */
  orderCount: Scalars['Int']['output'];
  /** The sum of their totals, in tiyn. */
  revenue: Scalars['Int']['output'];
  /**
   * The same sum as `revenue`, as a BigInt. GraphQL's Int stops at 2,147,483,647 tiyn (about 21.5 million ₸),
   * which a busy shop passes in a month; past it `revenue` answers VALUE_TOO_LARGE and this field the exact sum.
   */
  revenueBigInt: Scalars['BigInt']['output'];
};

/** One size of an uploaded image, as WebP with its metadata (EXIF, GPS) stripped. */
export type ImageVariant = {
  __typename?: 'ImageVariant';
  /** Size in bytes. */
  byteSize: Scalars['Int']['output'];
  /** Always `image/webp`. */
  contentType: Scalars['String']['output'];
  /** When `url` stops working; null for public URLs. */
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  /** Height in pixels. */
  height: Scalars['Int']['output'];
  /** `thumb` (at most 320 px) or `large` (at most 1600 px). */
  name: Scalars['String']['output'];
  /** Where to read it: public for product images; for order photos a signed URL that stops working at `expiresAt`. */
  url: Scalars['String']['output'];
  /** Width in pixels. */
  width: Scalars['Int']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Adds a note to an order; it shows in `notes` and in `history`. Any role. */
  addOrderNote: Order;
  /**
   * Attaches a photo to an order, an upload (`uploadId`, from `createUpload` with purpose ORDER_PHOTO,
   * by the same user) or an image by URL; it shows in `photos` and in `history`. Any role. Give the
   * order as `id` or `orderId`, and the photo as arguments or as `input`.
   */
  addOrderPhoto: Order;
  /** Assigns the order to a courier (a user of the shop with role COURIER), or unassigns it with null. Writes an EDIT history entry. ADMIN and MANAGER. */
  assignCourier: Order;
  /** Places an order: prices each item from the catalog now (a snapshot per item), computes the total, finds or creates the customer's profile by phone, and writes the first history entry (NEW). Needs permission `order.write` (ADMIN, MANAGER). */
  createOrder: Order;
  /**
   * Records a payment. At most what is still due; an `externalId` already recorded is answered
   * with the order as it is, not recorded twice. Paying the whole total of a NEW order moves it to
   * PAID (one STATUS history entry). ADMIN and MANAGER.
   */
  recordPayment: Order;
  /** Records money given back for a cancelled order, at most its `refundDue`; `paymentStatus` becomes REFUNDED once all is given back. ADMIN and MANAGER. */
  recordRefund: Order;
  /** Removes a photo from an order; an uploaded photo's files are deleted. Its history entry stays, without the photo. ADMIN and MANAGER only. */
  removeOrderPhoto: Order;
  /** Changes a client's name, notes or tags. Needs permission `customer.manage` (ADMIN, MANAGER). */
  updateClientProfile: ClientProfile;
  /**
   * Edits an order's details. Items (the whole new list of lines) only before ASSEMBLED, re-priced
   * from the catalog; nothing after DELIVERED or CANCELLED. `total` becomes items + delivery fee.
   * Writes one EDIT history entry saying what changed (on the live board). Refused with CONFLICT
   * (code `STALE_ORDER`) when the order changed since `expectedVersion`. ADMIN and MANAGER any
   * field; FLORIST the card text and comment; COURIER nothing.
   */
  updateOrder: Order;
  /** Moves an order to another status and records it in the history. Forward moves may skip steps; CANCELLED from any status that is not final; nothing leaves DELIVERED or CANCELLED. FLORIST may set ACCEPTED and ASSEMBLED, COURIER IN_DELIVERY and DELIVERED, MANAGER and ADMIN any allowed status. Setting the current status again changes nothing. */
  updateOrderStatus: Order;
};


export type MutationAddOrderNoteArgs = {
  id: Scalars['ID']['input'];
  text: Scalars['String']['input'];
};


export type MutationAddOrderPhotoArgs = {
  id?: InputMaybe<Scalars['ID']['input']>;
  input?: InputMaybe<AddOrderPhotoInput>;
  kind?: InputMaybe<OrderPhotoKind>;
  orderId?: InputMaybe<Scalars['ID']['input']>;
  uploadId?: InputMaybe<Scalars['ID']['input']>;
  url?: InputMaybe<Scalars['String']['input']>;
};


export type MutationAssignCourierArgs = {
  courierId?: InputMaybe<Scalars['ID']['input']>;
  orderId: Scalars['ID']['input'];
};


export type MutationCreateOrderArgs = {
  input: CreateOrderInput;
};


export type MutationRecordPaymentArgs = {
  input: RecordPaymentInput;
  orderId: Scalars['ID']['input'];
};


export type MutationRecordRefundArgs = {
  input: RecordPaymentInput;
  orderId: Scalars['ID']['input'];
};


export type MutationRemoveOrderPhotoArgs = {
  id: Scalars['ID']['input'];
};


export type MutationUpdateClientProfileArgs = {
  id: Scalars['ID']['input'];
  input: UpdateClientProfileInput;
};


export type MutationUpdateOrderArgs = {
  id: Scalars['ID']['input'];
  input: UpdateOrderInput;
};


export type MutationUpdateOrderStatusArgs = {
  id: Scalars['ID']['input'];
  notes?: InputMaybe<Scalars['String']['input']>;
  status: OrderStatus;
};

/** A customer's order. */
export type Order = {
  __typename?: 'Order';
  /** The order's id in Bitrix CRM, when it came from or is synchronised with Bitrix. */
  bitrixOrderId?: Maybe<Scalars['Int']['output']>;
  /** Text for the greeting card. */
  cardText?: Maybe<Scalars['String']['output']>;
  /** The customer's comment. */
  comment?: Maybe<Scalars['String']['output']>;
  /** The courier who delivers the order (a user of the shop with role COURIER), or null. */
  courier?: Maybe<User>;
  /** When the order was placed. */
  createdAt: Scalars['DateTime']['output'];
  /** Who placed the order. Needs permission `customer.read` (ADMIN, MANAGER, COURIER); others get FORBIDDEN. */
  customer?: Maybe<ClientProfile>;
  /** Where the bouquet goes. */
  deliveryAddress?: Maybe<Scalars['String']['output']>;
  /** The delivery fee in tiyn; part of `total`. */
  deliveryFee: Scalars['Int']['output'];
  /** Start of the delivery window. */
  deliveryFrom?: Maybe<Scalars['DateTime']['output']>;
  /** Delivered to an address, or picked up at the shop. */
  deliveryKind: DeliveryKind;
  /** End of the delivery window. */
  deliveryTo?: Maybe<Scalars['DateTime']['output']>;
  /** Every status change, note and photo, oldest first. A chain: each entry's `oldStatus` is the previous entry's `newStatus`. */
  history: Array<OrderHistoryEntry>;
  /** The order's id. */
  id: Scalars['ID']['output'];
  /** What was ordered, with the prices at the time of ordering. */
  items: Array<OrderItem>;
  /** Notes added to the order (with `addOrderNote`), oldest first. Each is also an entry of `history`. */
  notes: Array<OrderNote>;
  /** Sum of the payments (refunds not subtracted), in tiyn. */
  paidAmount: Scalars['Int']['output'];
  /** UNPAID, PARTIALLY_PAID, PAID (the whole total), or REFUNDED (a cancelled order whose payments were all given back). */
  paymentStatus: PaymentStatus;
  /** Payments and refunds recorded for the order, oldest first. */
  payments: Array<Payment>;
  /** Photos of the order (assembled bouquet, delivery proof), oldest first. Each is also an entry of `history`. */
  photos: Array<OrderPhoto>;
  /** Name of the person who receives the bouquet. */
  recipientName?: Maybe<Scalars['String']['output']>;
  /** Phone of the person who receives the bouquet. Needs permission `customer.read`; others get FORBIDDEN. */
  recipientPhone?: Maybe<Scalars['String']['output']>;
  /** What the shop owes back: for a cancelled order, what was paid and not yet refunded; otherwise 0. */
  refundDue: Scalars['Int']['output'];
  /** Sum of the refunds, in tiyn. */
  refundedAmount: Scalars['Int']['output'];
  /** Where the order is in its life. */
  status: OrderStatus;
  /** Sum of the items' prices times quantities, in tiyn. */
  total: Scalars['Int']['output'];
  /** When the order last changed. */
  updatedAt: Scalars['DateTime']['output'];
  /** Increases with every change of the order; `updateOrder` takes the version the client saw (`expectedVersion`) and refuses a stale edit. */
  version: Scalars['Int']['output'];
};

/** A page of orders. */
export type OrderConnection = {
  __typename?: 'OrderConnection';
  /** The orders of this page. */
  edges: Array<OrderEdge>;
  /** Where this page ends and whether another follows. */
  pageInfo: PageInfo;
  /** How many orders match the filters, over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** One order in a page. */
export type OrderEdge = {
  __typename?: 'OrderEdge';
  /** Opaque cursor of this edge, for `after`. */
  cursor: Scalars['String']['output'];
  /** The order. */
  node: Order;
};

/** One field an edit changed, as text: old and new value (null when empty). */
export type OrderFieldChange = {
  __typename?: 'OrderFieldChange';
  /** The field's name in the API, e.g. `deliveryAddress`, `items`, `courier`. */
  field: Scalars['String']['output'];
  /** The value after the edit. */
  new?: Maybe<Scalars['String']['output']>;
  /** The value before the edit. */
  old?: Maybe<Scalars['String']['output']>;
};

/** One entry of an order's history: a status change, a note or a photo. */
export type OrderHistoryEntry = {
  __typename?: 'OrderHistoryEntry';
  /** Who made the change: a user id, `bitrix` for changes from Bitrix CRM, `system` or `seed`. */
  changedBy: Scalars['String']['output'];
  /** For changes from Bitrix: the Bitrix user id that made the change (`changed_by_id`), when Bitrix sent one. */
  changedById?: Maybe<Scalars['String']['output']>;
  /** For EDIT entries, what changed (old and new); empty for other kinds. */
  changes: Array<OrderFieldChange>;
  /** When the change was made. */
  createdAt: Scalars['DateTime']['output'];
  /** The entry's id; increasing over the shop's history. */
  id: Scalars['ID']['output'];
  /** What this entry records. */
  kind: OrderHistoryKind;
  /** The status after the change. */
  newStatus: OrderStatus;
  /** Why, or what else happened. */
  notes?: Maybe<Scalars['String']['output']>;
  /** The status before the change; null when the order was created. */
  oldStatus?: Maybe<OrderStatus>;
  /** The photo this entry records, for `PHOTO` entries. */
  photo?: Maybe<OrderPhoto>;
};

/** What a history entry records. */
export type OrderHistoryKind =
  /** An edit of the order's details (`updateOrder`, a courier assigned); `changes` says what changed. `oldStatus` equals `newStatus`. */
  | 'EDIT'
  /** A note added at the current status; `oldStatus` equals `newStatus`. */
  | 'NOTE'
  /** A photo added at the current status; `oldStatus` equals `newStatus`. */
  | 'PHOTO'
  /** A status change (or the order's creation, with `oldStatus` null). */
  | 'STATUS';

/** One line of an order. */
export type OrderItem = {
  __typename?: 'OrderItem';
  /** Price of one unit when the order was placed, in tiyn. */
  price: Scalars['Int']['output'];
  /** The product ordered. */
  product: Product;
  /** The product's name when the order was placed (kept when the product is renamed or archived). */
  productName: Scalars['String']['output'];
  /** How many. */
  quantity: Scalars['Int']['output'];
};

/** One line of a new order: which product and how many. The server sets the price. */
export type OrderItemInput = {
  /** The product's id (of the caller's shop, enabled). */
  productId: Scalars['ID']['input'];
  /** How many, 1 to 999. */
  quantity: Scalars['Int']['input'];
};

/** A note on an order, written by a person. */
export type OrderNote = {
  __typename?: 'OrderNote';
  /** Who wrote it (a user id). */
  author: Scalars['String']['output'];
  /** When it was written. */
  createdAt: Scalars['DateTime']['output'];
  /** Id of the history entry that holds the note. */
  id: Scalars['ID']['output'];
  /** The note. */
  text: Scalars['String']['output'];
};

/** A photo attached to an order. */
export type OrderPhoto = {
  __typename?: 'OrderPhoto';
  /** When it was attached. */
  createdAt: Scalars['DateTime']['output'];
  /** Who attached it (a user id). */
  createdBy: Scalars['String']['output'];
  /** The photo's id. */
  id: Scalars['ID']['output'];
  /** What the photo shows. */
  kind: OrderPhotoKind;
  /** A signed URL of the 320 px WebP thumbnail of an uploaded photo; null for photos attached by URL. */
  thumbnailUrl?: Maybe<Scalars['String']['output']>;
  /** Where the image is: for an uploaded photo, a signed URL of its large WebP variant that stops working at `urlExpiresAt` (read the photo again for a fresh one); else the URL it was attached with. */
  url: Scalars['String']['output'];
  /** When `url` stops working; null for photos attached by URL. */
  urlExpiresAt?: Maybe<Scalars['DateTime']['output']>;
  /** The WebP variants of an uploaded photo (`thumb`, `large`), each with a signed, expiring URL; empty for photos attached by URL. */
  variants: Array<ImageVariant>;
};

/** Kinds of order photos. */
export type OrderPhotoKind =
  /** The bouquet as assembled, before it leaves. */
  | 'ASSEMBLED_BOUQUET'
  /** Proof that the bouquet was handed over. */
  | 'DELIVERY_PROOF'
  /** Anything else worth a picture (damage, the door, a note left). */
  | 'OTHER';

/** Where an order is in its life. Forward: NEW → PAID → ACCEPTED → ASSEMBLED → IN_DELIVERY → DELIVERED; CANCELLED from any status that is not final. */
export type OrderStatus =
  /** Accepted by a florist. */
  | 'ACCEPTED'
  /** The bouquet is assembled. */
  | 'ASSEMBLED'
  /** Cancelled. Final. */
  | 'CANCELLED'
  /** Handed to the recipient. Final. */
  | 'DELIVERED'
  /** With a courier. */
  | 'IN_DELIVERY'
  /** Placed, not yet paid. */
  | 'NEW'
  /** Paid by the customer. */
  | 'PAID';

/**
 * One change of an order's status, as the live order board receives it: the order as it is now,
 * and what changed. Creating an order counts as a change from null to NEW.
 */
export type OrderStatusChange = {
  __typename?: 'OrderStatusChange';
  /** When the change was made. */
  at: Scalars['DateTime']['output'];
  /** Who made the change: a user id, or `bitrix` for changes from Bitrix CRM. */
  changedBy: Scalars['String']['output'];
  /** For an EDIT, what changed; empty otherwise. */
  changes: Array<OrderFieldChange>;
  /** The history entry's id: pass it as `after` to resume behind this change. */
  historyId: Scalars['ID']['output'];
  /** STATUS for a status change (or creation), EDIT for an edit of the order's details (then `oldStatus` equals `newStatus`). */
  kind: OrderHistoryKind;
  /** The status after the change. */
  newStatus: OrderStatus;
  /** The status before the change; null when the order was created. */
  oldStatus?: Maybe<OrderStatus>;
  /** The order that changed, resolved when the change is delivered (so it may have moved on since). */
  order: Order;
};

/** A page of the shop's status changes, in delivery (commit-safe) order. */
export type OrderStatusChangeConnection = {
  __typename?: 'OrderStatusChangeConnection';
  /** The changes of this page. */
  edges: Array<OrderStatusChangeEdge>;
  /** Where this page ends and whether another follows. */
  pageInfo: PageInfo;
  /** How many changes follow `after`, over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** One status change in a page. */
export type OrderStatusChangeEdge = {
  __typename?: 'OrderStatusChangeEdge';
  /** The change's history id, for `after`. */
  cursor: Scalars['String']['output'];
  /** The change. */
  node: OrderStatusChange;
};

/** Where a page ends and whether another follows. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last edge of this page; pass it as `after` to get the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when a next page exists. */
  hasNextPage: Scalars['Boolean']['output'];
};

/** A payment (or refund) recorded for an order. */
export type Payment = {
  __typename?: 'Payment';
  /** The amount in tiyn. */
  amount: Scalars['Int']['output'];
  /** When it was recorded. */
  createdAt: Scalars['DateTime']['output'];
  /** Who recorded it (a user id, or `bitrix`). */
  createdBy: Scalars['String']['output'];
  /** The payment system's id (Kaspi, Bitrix); unique in the shop. */
  externalId?: Maybe<Scalars['String']['output']>;
  /** The payment's id. */
  id: Scalars['ID']['output'];
  /** Payment or refund. */
  kind: PaymentKind;
  /** How it was paid. */
  method: PaymentMethod;
};

/** Money in or out. */
export type PaymentKind =
  /** Money taken for the order. */
  | 'PAYMENT'
  /** Money given back. */
  | 'REFUND';

/** How a payment was made. */
export type PaymentMethod =
  /** A bank card. */
  | 'CARD'
  /** Cash to the courier or at the shop. */
  | 'CASH'
  /** Kaspi.kz (QR, Kaspi Pay). */
  | 'KASPI'
  /** A bank transfer. */
  | 'TRANSFER';

/** Where an order's payment stands. */
export type PaymentStatus =
  /** The whole total paid. */
  | 'PAID'
  /** Something paid, less than the total. */
  | 'PARTIALLY_PAID'
  /** A cancelled order whose payments were all given back. */
  | 'REFUNDED'
  /** Nothing paid. */
  | 'UNPAID';

/** A product of the catalog, referenced by an order item. Its fields come from the catalog and warehouse subgraphs. */
export type Product = {
  __typename?: 'Product';
  /** The product's id. */
  id: Scalars['ID']['output'];
};

/** How one product sold over a range. */
export type ProductSales = {
  __typename?: 'ProductSales';
  /** The product; null when it no longer exists. */
  product?: Maybe<Product>;
  /** The product's name on its latest order line. */
  productName: Scalars['String']['output'];
  /** Units sold. */
  quantity: Scalars['Int']['output'];
  /** What its lines brought in (unit price × quantity), in tiyn. */
  revenue: Scalars['Int']['output'];
  /**
   * The same sum as `revenue`, as a BigInt. GraphQL's Int stops at 2,147,483,647 tiyn (about 21.5 million ₸),
   * which a busy shop passes in a month; past it `revenue` answers VALUE_TOO_LARGE and this field the exact sum.
   */
  revenueBigInt: Scalars['BigInt']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** The customer with this phone, with their orders and totals, or null. Needs permission `customer.read` (ADMIN, MANAGER, COURIER). */
  clientProfile?: Maybe<ClientProfile>;
  /** The shop's client base, with lifetime figures, notes and tags. Needs permission `customer.manage` (ADMIN, MANAGER). */
  clients: ClientProfileConnection;
  /**
   * The day's orders whose delivery window starts on `date` in the shop's time zone: deliveries by
   * window start, then pickups by window start. With `courierId`, only that courier's. A COURIER
   * sees only the orders assigned to them (here and everywhere).
   */
  deliveries: Array<Order>;
  /** One order of the caller's shop, or null when there is none with that id. */
  order?: Maybe<Order>;
  /** The order of the caller's shop with this Bitrix id, or null. */
  orderByBitrixId?: Maybe<Order>;
  /**
   * The shop's status changes page by page, oldest first in delivery order, for clients that poll
   * instead of subscribing: the same sequence `orderStatusChanged` delivers. `first` is at most
   * 100 (default 20). An `after` that is not in the caller's shop is BAD_USER_INPUT.
   */
  orderStatusChanges: OrderStatusChangeConnection;
  /**
   * The changes with these history ids, in the order asked; null for ids the caller's shop does
   * not have. At most 100 ids. The live order board resolves its events through this field. For a
   * COURIER, a change that took an order from them is null with an error at its index (NOT_FOUND,
   * `reason` UNASSIGNED, `orderId`, `historyId`), as `orderStatusChanged` delivers it.
   */
  orderStatusChangesByIds: Array<Maybe<OrderStatusChange>>;
  /**
   * Where the shop's status feed stands now: the historyId of its last settled change, or null
   * when it has none. A board that loads its orders reads this first and then subscribes with
   * `orderStatusChanged(after:)` set to it, so a change committed while it loaded is replayed,
   * never missed.
   */
  orderStatusFeedHead?: Maybe<Scalars['ID']['output']>;
  /** The shop's orders, newest first. `first` is at most 100 (default 20). */
  orders: OrderConnection;
  /**
   * Sales figures of the orders placed in [from, to] (calendar days in the shop's time zone, at
   * most 366 days), CANCELLED left out. ADMIN and MANAGER only.
   */
  shopStats: ShopStats;
};


export type QueryClientProfileArgs = {
  phone: Scalars['String']['input'];
};


export type QueryClientsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
  sort?: InputMaybe<ClientSort>;
  tag?: InputMaybe<Scalars['String']['input']>;
};


export type QueryDeliveriesArgs = {
  courierId?: InputMaybe<Scalars['ID']['input']>;
  date: Scalars['Date']['input'];
};


export type QueryOrderArgs = {
  id: Scalars['ID']['input'];
};


export type QueryOrderByBitrixIdArgs = {
  bitrixOrderId: Scalars['Int']['input'];
};


export type QueryOrderStatusChangesArgs = {
  after?: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryOrderStatusChangesByIdsArgs = {
  historyIds: Array<Scalars['ID']['input']>;
};


export type QueryOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  createdFrom?: InputMaybe<Scalars['DateTime']['input']>;
  createdTo?: InputMaybe<Scalars['DateTime']['input']>;
  customerPhone?: InputMaybe<Scalars['String']['input']>;
  deliveryDate?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<Array<OrderStatus>>;
};


export type QueryShopStatsArgs = {
  from: Scalars['Date']['input'];
  to: Scalars['Date']['input'];
};

/** Who receives the bouquet. */
export type RecipientInput = {
  /** The recipient's name. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** The recipient's phone. */
  phone?: InputMaybe<Scalars['String']['input']>;
};

/** A payment or refund to record. */
export type RecordPaymentInput = {
  /** The amount in tiyn, above 0, at most what is still due. */
  amount: Scalars['Int']['input'];
  /** The payment system's id; the same id again is answered, not recorded twice. At most 200 characters. */
  externalId?: InputMaybe<Scalars['String']['input']>;
  /** How it was paid. */
  method: PaymentMethod;
};

/** Sales figures over a range of days; every figure leaves CANCELLED orders out. */
export type ShopStats = {
  __typename?: 'ShopStats';
  /** revenue / orderCount, rounded down; 0 when there are no orders. */
  averageOrder: Scalars['Int']['output'];
  /** Every day of the range, days without orders included, in order. */
  byDay: Array<DayStats>;
  /** Orders and revenue per delivery kind (`DELIVERY`, `PICKUP`). */
  byDeliveryKind: Array<GroupStats>;
  /** Orders and revenue paid in full (`PAID`) or not (`UNPAID`, partly paid included). */
  byPayment: Array<GroupStats>;
  /** Orders and revenue per source: `BITRIX` (they came from Bitrix CRM) or `PANEL`. */
  bySource: Array<GroupStats>;
  /** Orders and revenue per status. */
  byStatus: Array<GroupStats>;
  /** How many orders were placed. */
  orderCount: Scalars['Int']['output'];
  /** The sum of their totals, in tiyn. */
  revenue: Scalars['Int']['output'];
  /**
   * The same sum as `revenue`, as a BigInt. GraphQL's Int stops at 2,147,483,647 tiyn (about 21.5 million ₸),
   * which a busy shop passes in a month; past it `revenue` answers VALUE_TOO_LARGE and this field the exact sum.
   */
  revenueBigInt: Scalars['BigInt']['output'];
  /** The best-selling products by quantity (then revenue), with what their lines brought in. */
  topProducts: Array<ProductSales>;
};


/** Sales figures over a range of days; every figure leaves CANCELLED orders out. */
export type ShopStatsTopProductsArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
};

export type Subscription = {
  __typename?: 'Subscription';
  /**
   * Every status change of the caller's shop's orders as it commits, in delivery order.
   * With `after` (a historyId this stream or `orderStatusChanges` gave), first replays every change
   * behind that one, then continues live, with no gap and no duplicate. An `after` that is not in
   * the caller's shop replays nothing: the first message says so (BAD_USER_INPUT, field `after`)
   * and the stream continues live. A COURIER gets only the changes of orders assigned to them; when
   * an order is taken from them (assigned to another courier or to nobody), that change comes as a
   * message with no data and one error, code NOT_FOUND, `reason` UNASSIGNED, `orderId` and
   * `historyId` (resume behind it): the board drops the card; nothing else of the order is told.
   */
  orderStatusChanged: OrderStatusChange;
};


export type SubscriptionOrderStatusChangedArgs = {
  after?: InputMaybe<Scalars['ID']['input']>;
};

/** Changes to a client's profile: only the fields given are changed. */
export type UpdateClientProfileInput = {
  /** The client's name; trimmed; 1 to 200 characters. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Notes (at most 2000 characters); an empty string clears them. */
  notes?: InputMaybe<Scalars['String']['input']>;
  /** The whole list of tags (replaces the old one): at most 20, each 1 to 40 characters, trimmed, repeats dropped. */
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** Changes to an order. Fields left out (or null, for the optional ones) stay as they are. */
export type UpdateOrderInput = {
  /** Text for the greeting card (an empty string clears it). */
  cardText?: InputMaybe<Scalars['String']['input']>;
  /** The customer's comment (an empty string clears it). */
  comment?: InputMaybe<Scalars['String']['input']>;
  /** Where the bouquet goes (an empty string clears it). */
  deliveryAddress?: InputMaybe<Scalars['String']['input']>;
  /** Delivery fee in tiyn, 0 or more. */
  deliveryFee?: InputMaybe<Scalars['Int']['input']>;
  /** Start of the delivery window. */
  deliveryFrom?: InputMaybe<Scalars['DateTime']['input']>;
  /** Delivery or pickup. */
  deliveryKind?: InputMaybe<DeliveryKind>;
  /** End of the delivery window; not before its start. */
  deliveryTo?: InputMaybe<Scalars['DateTime']['input']>;
  /** The order's `version` as the client last read it; the edit is refused (STALE_ORDER) when the order changed since. */
  expectedVersion: Scalars['Int']['input'];
  /** The order's lines as they should be (add, remove, change quantity), re-priced from the catalog. Only before ASSEMBLED. */
  items?: InputMaybe<Array<OrderItemInput>>;
  /** Who receives the bouquet (name and phone; an empty string clears one). */
  recipient?: InputMaybe<RecipientInput>;
};

/** A user of the catalog subgraph (the courier of an order). */
export type User = {
  __typename?: 'User';
  /** The user's id. */
  id: Scalars['ID']['output'];
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = {}, TContext = {}, TArgs = {}> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = {}, TContext = {}, TArgs = {}> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = {}, TContext = {}> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = {}, TContext = {}> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = {}, TParent = {}, TContext = {}, TArgs = {}> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  AddOrderPhotoInput: AddOrderPhotoInput;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  BigInt: ResolverTypeWrapper<Scalars['BigInt']['output']>;
  ClientProfile: ResolverTypeWrapper<ClientProfileRow>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  ClientProfileConnection: ResolverTypeWrapper<Omit<ClientProfileConnection, 'edges'> & { edges: Array<ResolversTypes['ClientProfileEdge']> }>;
  ClientProfileEdge: ResolverTypeWrapper<Omit<ClientProfileEdge, 'node'> & { node: ResolversTypes['ClientProfile'] }>;
  ClientSort: ClientSort;
  CreateOrderInput: CreateOrderInput;
  CustomerInput: CustomerInput;
  Date: ResolverTypeWrapper<Scalars['Date']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DayStats: ResolverTypeWrapper<DayStatsRow>;
  DeliveryKind: DeliveryKind;
  GroupStats: ResolverTypeWrapper<GroupStatsRow>;
  ImageVariant: ResolverTypeWrapper<VariantViewRow>;
  Mutation: ResolverTypeWrapper<{}>;
  Order: ResolverTypeWrapper<OrderRow>;
  OrderConnection: ResolverTypeWrapper<Omit<OrderConnection, 'edges'> & { edges: Array<ResolversTypes['OrderEdge']> }>;
  OrderEdge: ResolverTypeWrapper<Omit<OrderEdge, 'node'> & { node: ResolversTypes['Order'] }>;
  OrderFieldChange: ResolverTypeWrapper<OrderFieldChange>;
  OrderHistoryEntry: ResolverTypeWrapper<OrderHistoryRow>;
  OrderHistoryKind: OrderHistoryKind;
  OrderItem: ResolverTypeWrapper<OrderItemRow>;
  OrderItemInput: OrderItemInput;
  OrderNote: ResolverTypeWrapper<OrderHistoryRow>;
  OrderPhoto: ResolverTypeWrapper<OrderPhotoRow>;
  OrderPhotoKind: OrderPhotoKind;
  OrderStatus: OrderStatus;
  OrderStatusChange: ResolverTypeWrapper<StatusChangeRowRow>;
  OrderStatusChangeConnection: ResolverTypeWrapper<Omit<OrderStatusChangeConnection, 'edges'> & { edges: Array<ResolversTypes['OrderStatusChangeEdge']> }>;
  OrderStatusChangeEdge: ResolverTypeWrapper<Omit<OrderStatusChangeEdge, 'node'> & { node: ResolversTypes['OrderStatusChange'] }>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Payment: ResolverTypeWrapper<PaymentRow>;
  PaymentKind: PaymentKind;
  PaymentMethod: PaymentMethod;
  PaymentStatus: PaymentStatus;
  Product: ResolverTypeWrapper<Product>;
  ProductSales: ResolverTypeWrapper<ProductSalesRow>;
  Query: ResolverTypeWrapper<{}>;
  RecipientInput: RecipientInput;
  RecordPaymentInput: RecordPaymentInput;
  ShopStats: ResolverTypeWrapper<ShopStatsRowRow>;
  Subscription: ResolverTypeWrapper<{}>;
  UpdateClientProfileInput: UpdateClientProfileInput;
  UpdateOrderInput: UpdateOrderInput;
  User: ResolverTypeWrapper<User>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  AddOrderPhotoInput: AddOrderPhotoInput;
  ID: Scalars['ID']['output'];
  String: Scalars['String']['output'];
  BigInt: Scalars['BigInt']['output'];
  ClientProfile: ClientProfileRow;
  Int: Scalars['Int']['output'];
  ClientProfileConnection: Omit<ClientProfileConnection, 'edges'> & { edges: Array<ResolversParentTypes['ClientProfileEdge']> };
  ClientProfileEdge: Omit<ClientProfileEdge, 'node'> & { node: ResolversParentTypes['ClientProfile'] };
  CreateOrderInput: CreateOrderInput;
  CustomerInput: CustomerInput;
  Date: Scalars['Date']['output'];
  DateTime: Scalars['DateTime']['output'];
  DayStats: DayStatsRow;
  GroupStats: GroupStatsRow;
  ImageVariant: VariantViewRow;
  Mutation: {};
  Order: OrderRow;
  OrderConnection: Omit<OrderConnection, 'edges'> & { edges: Array<ResolversParentTypes['OrderEdge']> };
  OrderEdge: Omit<OrderEdge, 'node'> & { node: ResolversParentTypes['Order'] };
  OrderFieldChange: OrderFieldChange;
  OrderHistoryEntry: OrderHistoryRow;
  OrderItem: OrderItemRow;
  OrderItemInput: OrderItemInput;
  OrderNote: OrderHistoryRow;
  OrderPhoto: OrderPhotoRow;
  OrderStatusChange: StatusChangeRowRow;
  OrderStatusChangeConnection: Omit<OrderStatusChangeConnection, 'edges'> & { edges: Array<ResolversParentTypes['OrderStatusChangeEdge']> };
  OrderStatusChangeEdge: Omit<OrderStatusChangeEdge, 'node'> & { node: ResolversParentTypes['OrderStatusChange'] };
  PageInfo: PageInfo;
  Boolean: Scalars['Boolean']['output'];
  Payment: PaymentRow;
  Product: Product;
  ProductSales: ProductSalesRow;
  Query: {};
  RecipientInput: RecipientInput;
  RecordPaymentInput: RecordPaymentInput;
  ShopStats: ShopStatsRowRow;
  Subscription: {};
  UpdateClientProfileInput: UpdateClientProfileInput;
  UpdateOrderInput: UpdateOrderInput;
  User: User;
}>;

export interface BigIntScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['BigInt'], any> {
  name: 'BigInt';
}

export type ClientProfileResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['ClientProfile'] = ResolversParentTypes['ClientProfile']> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lastOrderAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  notes?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  orderCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  orders?: Resolver<ResolversTypes['OrderConnection'], ParentType, ContextType, Partial<ClientProfileOrdersArgs>>;
  phone?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  tags?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  totalSpent?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type ClientProfileConnectionResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['ClientProfileConnection'] = ResolversParentTypes['ClientProfileConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['ClientProfileEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type ClientProfileEdgeResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['ClientProfileEdge'] = ResolversParentTypes['ClientProfileEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['ClientProfile'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export interface DateScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Date'], any> {
  name: 'Date';
}

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type DayStatsResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['DayStats'] = ResolversParentTypes['DayStats']> = ResolversObject<{
  date?: Resolver<ResolversTypes['Date'], ParentType, ContextType>;
  orderCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  revenue?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  revenueBigInt?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type GroupStatsResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['GroupStats'] = ResolversParentTypes['GroupStats']> = ResolversObject<{
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  orderCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  revenue?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  revenueBigInt?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type ImageVariantResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['ImageVariant'] = ResolversParentTypes['ImageVariant']> = ResolversObject<{
  byteSize?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  contentType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  expiresAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  width?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  addOrderNote?: Resolver<ResolversTypes['Order'], ParentType, ContextType, RequireFields<MutationAddOrderNoteArgs, 'id' | 'text'>>;
  addOrderPhoto?: Resolver<ResolversTypes['Order'], ParentType, ContextType, Partial<MutationAddOrderPhotoArgs>>;
  assignCourier?: Resolver<ResolversTypes['Order'], ParentType, ContextType, RequireFields<MutationAssignCourierArgs, 'orderId'>>;
  createOrder?: Resolver<ResolversTypes['Order'], ParentType, ContextType, RequireFields<MutationCreateOrderArgs, 'input'>>;
  recordPayment?: Resolver<ResolversTypes['Order'], ParentType, ContextType, RequireFields<MutationRecordPaymentArgs, 'input' | 'orderId'>>;
  recordRefund?: Resolver<ResolversTypes['Order'], ParentType, ContextType, RequireFields<MutationRecordRefundArgs, 'input' | 'orderId'>>;
  removeOrderPhoto?: Resolver<ResolversTypes['Order'], ParentType, ContextType, RequireFields<MutationRemoveOrderPhotoArgs, 'id'>>;
  updateClientProfile?: Resolver<ResolversTypes['ClientProfile'], ParentType, ContextType, RequireFields<MutationUpdateClientProfileArgs, 'id' | 'input'>>;
  updateOrder?: Resolver<ResolversTypes['Order'], ParentType, ContextType, RequireFields<MutationUpdateOrderArgs, 'id' | 'input'>>;
  updateOrderStatus?: Resolver<ResolversTypes['Order'], ParentType, ContextType, RequireFields<MutationUpdateOrderStatusArgs, 'id' | 'status'>>;
}>;

export type OrderResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['Order'] = ResolversParentTypes['Order']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Order']>, { __typename: 'Order' } & GraphQLRecursivePick<ParentType, {"id":true}>, ContextType>;
  bitrixOrderId?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  cardText?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  comment?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  courier?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  customer?: Resolver<Maybe<ResolversTypes['ClientProfile']>, ParentType, ContextType>;
  deliveryAddress?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  deliveryFee?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  deliveryFrom?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  deliveryKind?: Resolver<ResolversTypes['DeliveryKind'], ParentType, ContextType>;
  deliveryTo?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  history?: Resolver<Array<ResolversTypes['OrderHistoryEntry']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  items?: Resolver<Array<ResolversTypes['OrderItem']>, ParentType, ContextType>;
  notes?: Resolver<Array<ResolversTypes['OrderNote']>, ParentType, ContextType>;
  paidAmount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  paymentStatus?: Resolver<ResolversTypes['PaymentStatus'], ParentType, ContextType>;
  payments?: Resolver<Array<ResolversTypes['Payment']>, ParentType, ContextType>;
  photos?: Resolver<Array<ResolversTypes['OrderPhoto']>, ParentType, ContextType>;
  recipientName?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  recipientPhone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  refundDue?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  refundedAmount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type OrderConnectionResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['OrderConnection'] = ResolversParentTypes['OrderConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['OrderEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type OrderEdgeResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['OrderEdge'] = ResolversParentTypes['OrderEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Order'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type OrderFieldChangeResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['OrderFieldChange'] = ResolversParentTypes['OrderFieldChange']> = ResolversObject<{
  field?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  new?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  old?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type OrderHistoryEntryResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['OrderHistoryEntry'] = ResolversParentTypes['OrderHistoryEntry']> = ResolversObject<{
  changedBy?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  changedById?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  changes?: Resolver<Array<ResolversTypes['OrderFieldChange']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['OrderHistoryKind'], ParentType, ContextType>;
  newStatus?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
  notes?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  oldStatus?: Resolver<Maybe<ResolversTypes['OrderStatus']>, ParentType, ContextType>;
  photo?: Resolver<Maybe<ResolversTypes['OrderPhoto']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type OrderItemResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['OrderItem'] = ResolversParentTypes['OrderItem']> = ResolversObject<{
  price?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  product?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
  productName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type OrderNoteResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['OrderNote'] = ResolversParentTypes['OrderNote']> = ResolversObject<{
  author?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type OrderPhotoResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['OrderPhoto'] = ResolversParentTypes['OrderPhoto']> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  createdBy?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['OrderPhotoKind'], ParentType, ContextType>;
  thumbnailUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  urlExpiresAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  variants?: Resolver<Array<ResolversTypes['ImageVariant']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type OrderStatusChangeResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['OrderStatusChange'] = ResolversParentTypes['OrderStatusChange']> = ResolversObject<{
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  changedBy?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  changes?: Resolver<Array<ResolversTypes['OrderFieldChange']>, ParentType, ContextType>;
  historyId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['OrderHistoryKind'], ParentType, ContextType>;
  newStatus?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
  oldStatus?: Resolver<Maybe<ResolversTypes['OrderStatus']>, ParentType, ContextType>;
  order?: Resolver<ResolversTypes['Order'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type OrderStatusChangeConnectionResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['OrderStatusChangeConnection'] = ResolversParentTypes['OrderStatusChangeConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['OrderStatusChangeEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type OrderStatusChangeEdgeResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['OrderStatusChangeEdge'] = ResolversParentTypes['OrderStatusChangeEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['OrderStatusChange'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type PageInfoResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type PaymentResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['Payment'] = ResolversParentTypes['Payment']> = ResolversObject<{
  amount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  createdBy?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  externalId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['PaymentKind'], ParentType, ContextType>;
  method?: Resolver<ResolversTypes['PaymentMethod'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type ProductResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['Product'] = ResolversParentTypes['Product']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type ProductSalesResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['ProductSales'] = ResolversParentTypes['ProductSales']> = ResolversObject<{
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType>;
  productName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  revenue?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  revenueBigInt?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  clientProfile?: Resolver<Maybe<ResolversTypes['ClientProfile']>, ParentType, ContextType, RequireFields<QueryClientProfileArgs, 'phone'>>;
  clients?: Resolver<ResolversTypes['ClientProfileConnection'], ParentType, ContextType, Partial<QueryClientsArgs>>;
  deliveries?: Resolver<Array<ResolversTypes['Order']>, ParentType, ContextType, RequireFields<QueryDeliveriesArgs, 'date'>>;
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType, RequireFields<QueryOrderArgs, 'id'>>;
  orderByBitrixId?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType, RequireFields<QueryOrderByBitrixIdArgs, 'bitrixOrderId'>>;
  orderStatusChanges?: Resolver<ResolversTypes['OrderStatusChangeConnection'], ParentType, ContextType, Partial<QueryOrderStatusChangesArgs>>;
  orderStatusChangesByIds?: Resolver<Array<Maybe<ResolversTypes['OrderStatusChange']>>, ParentType, ContextType, RequireFields<QueryOrderStatusChangesByIdsArgs, 'historyIds'>>;
  orderStatusFeedHead?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  orders?: Resolver<ResolversTypes['OrderConnection'], ParentType, ContextType, Partial<QueryOrdersArgs>>;
  shopStats?: Resolver<ResolversTypes['ShopStats'], ParentType, ContextType, RequireFields<QueryShopStatsArgs, 'from' | 'to'>>;
}>;

export type ShopStatsResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['ShopStats'] = ResolversParentTypes['ShopStats']> = ResolversObject<{
  averageOrder?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  byDay?: Resolver<Array<ResolversTypes['DayStats']>, ParentType, ContextType>;
  byDeliveryKind?: Resolver<Array<ResolversTypes['GroupStats']>, ParentType, ContextType>;
  byPayment?: Resolver<Array<ResolversTypes['GroupStats']>, ParentType, ContextType>;
  bySource?: Resolver<Array<ResolversTypes['GroupStats']>, ParentType, ContextType>;
  byStatus?: Resolver<Array<ResolversTypes['GroupStats']>, ParentType, ContextType>;
  orderCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  revenue?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  revenueBigInt?: Resolver<ResolversTypes['BigInt'], ParentType, ContextType>;
  topProducts?: Resolver<Array<ResolversTypes['ProductSales']>, ParentType, ContextType, Partial<ShopStatsTopProductsArgs>>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type SubscriptionResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = ResolversObject<{
  orderStatusChanged?: SubscriptionResolver<ResolversTypes['OrderStatusChange'], "orderStatusChanged", ParentType, ContextType, Partial<SubscriptionOrderStatusChangedArgs>>;
}>;

export type UserResolvers<ContextType = OrdersContext, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type Resolvers<ContextType = OrdersContext> = ResolversObject<{
  BigInt?: GraphQLScalarType;
  ClientProfile?: ClientProfileResolvers<ContextType>;
  ClientProfileConnection?: ClientProfileConnectionResolvers<ContextType>;
  ClientProfileEdge?: ClientProfileEdgeResolvers<ContextType>;
  Date?: GraphQLScalarType;
  DateTime?: GraphQLScalarType;
  DayStats?: DayStatsResolvers<ContextType>;
  GroupStats?: GroupStatsResolvers<ContextType>;
  ImageVariant?: ImageVariantResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Order?: OrderResolvers<ContextType>;
  OrderConnection?: OrderConnectionResolvers<ContextType>;
  OrderEdge?: OrderEdgeResolvers<ContextType>;
  OrderFieldChange?: OrderFieldChangeResolvers<ContextType>;
  OrderHistoryEntry?: OrderHistoryEntryResolvers<ContextType>;
  OrderItem?: OrderItemResolvers<ContextType>;
  OrderNote?: OrderNoteResolvers<ContextType>;
  OrderPhoto?: OrderPhotoResolvers<ContextType>;
  OrderStatusChange?: OrderStatusChangeResolvers<ContextType>;
  OrderStatusChangeConnection?: OrderStatusChangeConnectionResolvers<ContextType>;
  OrderStatusChangeEdge?: OrderStatusChangeEdgeResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Payment?: PaymentResolvers<ContextType>;
  Product?: ProductResolvers<ContextType>;
  ProductSales?: ProductSalesResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  ShopStats?: ShopStatsResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
}>;

