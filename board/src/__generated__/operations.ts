export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A whole number past GraphQL's 32-bit Int, as a JSON number (exact up to 2^53, about 90 trillion ₸ in tiyn). */
  BigInt: { input: number; output: number; }
  /** A calendar day as YYYY-MM-DD, read in the shop's time zone (shop 17008: Asia/Almaty). */
  Date: { input: string; output: string; }
  /** An instant as an ISO-8601 string with a time zone, e.g. 2026-11-26T15:04:05.000Z. */
  DateTime: { input: string; output: string; }
  /** A JSON object, e.g. the headers of an upload: `{"content-type": "image/jpeg"}`. */
  JSONObject: { input: any; output: any; }
  join__DirectiveArguments: { input: any; output: any; }
  join__FieldSet: { input: any; output: any; }
  link__Import: { input: any; output: any; }
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

/** An image for `addProductImage`: an upload or a URL. */
export type AddProductImageInput = {
  /** Make it the main image. */
  isMain?: InputMaybe<Scalars['Boolean']['input']>;
  /** The id of a READY upload of purpose PRODUCT_IMAGE that the caller created. */
  uploadId?: InputMaybe<Scalars['ID']['input']>;
  /** Absolute https URL of an image that lives elsewhere. */
  url?: InputMaybe<Scalars['String']['input']>;
};

/** An inventory count. */
export type AdjustStockInput = {
  /** The quantity actually on the shelves, 0 or more. */
  countedQuantity: Scalars['Int']['input'];
  /** The item counted. */
  itemId: Scalars['ID']['input'];
  /** Free-text note. */
  note?: InputMaybe<Scalars['String']['input']>;
};

/** Where a product change stands on its way to Bitrix CRM. */
export type BitrixSyncState =
  /** Bitrix accepted it (answered 2xx). */
  | 'DELIVERED'
  /**
   * Given up on: Bitrix refused it (a 4xx) or every retry failed (about a day). Nothing is sent
   * until a person calls `retryBitrixSync`.
   */
  | 'PARKED'
  /** Waiting for its first send or for its next retry. */
  | 'PENDING'
  /** A person retried this parked entry; a newer entry carries the change. */
  | 'REPLACED';

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

/** A new product. */
export type CreateProductInput = {
  /**
   * Links the product to this Bitrix product (a positive integer, unique in the shop: another
   * product with it is a CONFLICT naming that product). Linked products of shop BITRIX_SHOP_ID
   * are pushed to Bitrix whenever they change.
   */
  bitrixProductId?: InputMaybe<Scalars['Int']['input']>;
  /** Longer description (at most 5000 characters). */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Whether the product is offered for sale right away (default true). */
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** Image URLs (https) in display order; the first becomes the main image. */
  imageUrls?: InputMaybe<Array<Scalars['String']['input']>>;
  /** The name shown to customers; surrounding spaces are trimmed; 1 to 200 characters. */
  name: Scalars['String']['input'];
  /** Price in tiyn, 0 or more (495000 is 4 950 ₸). */
  price: Scalars['Int']['input'];
};

/** A file to upload: what it is for, its type and its exact size. */
export type CreateUploadInput = {
  /** The file's exact size in bytes, at most 15 MB (15728640); more bytes are refused. */
  byteSize: Scalars['Int']['input'];
  /** The file's type: image/jpeg, image/png, image/webp or image/heic (iPhone). The content is checked, whatever is announced. */
  contentType: Scalars['String']['input'];
  /** What the upload is for. */
  purpose: UploadPurpose;
};

/** A new member of staff. */
export type CreateUserInput = {
  /** The e-mail address they sign in with; unique over all shops, whatever its case; at most 254 characters. */
  email: Scalars['String']['input'];
  /** Display name; trimmed; 1 to 200 characters. */
  name: Scalars['String']['input'];
  /**
   * The initial password (at least 10 characters, not one of the commonest passwords). Omit it
   * to get a one-time `setPasswordToken` in the answer instead, for a link the new user opens.
   */
  password?: InputMaybe<Scalars['String']['input']>;
  /** What they may do. */
  role: UserRole;
};

/** A new warehouse item. */
export type CreateWarehouseItemInput = {
  /** Cost of one unit in tiyn, 0 or more (default 0). */
  costPerUnit?: InputMaybe<Scalars['Int']['input']>;
  /** Low-stock level, 0 or more (default 0). */
  minQuantity?: InputMaybe<Scalars['Int']['input']>;
  /** Unique name within the shop; trimmed; 1 to 200 characters. */
  name: Scalars['String']['input'];
  /** What one unit is. */
  unit: WarehouseUnit;
};

/** Who places the order. The phone finds the customer's profile, or creates it. */
export type CustomerInput = {
  /** The customer's name. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** The customer's phone; spaces, dashes and brackets are ignored, a leading 8 is read as +7. */
  phone: Scalars['String']['input'];
};

/** How the bouquet reaches the recipient. */
export type DeliveryKind =
  /** A courier takes it to the address. */
  | 'DELIVERY'
  /** The customer collects it at the shop. */
  | 'PICKUP';

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

/** One line of a new order: which product and how many. The server sets the price. */
export type OrderItemInput = {
  /** The product's id (of the caller's shop, enabled). */
  productId: Scalars['ID']['input'];
  /** How many, 1 to 999. */
  quantity: Scalars['Int']['input'];
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

/** The order of a product list. */
export type ProductSort =
  /** By name, А to Я. */
  | 'NAME'
  /** Newest first (by creation time). */
  | 'NEWEST'
  /** Cheapest first. */
  | 'PRICE_ASC'
  /** Most expensive first. */
  | 'PRICE_DESC';

/** A delivery from a supplier. */
export type ReceiveStockInput = {
  /** What one unit cost, in tiyn; the item's cost becomes the weighted average. ADMIN and MANAGER only; when omitted the item's cost is kept. */
  costPerUnit?: InputMaybe<Scalars['Int']['input']>;
  /** The item delivered. */
  itemId: Scalars['ID']['input'];
  /** Free-text note (supplier, invoice number). */
  note?: InputMaybe<Scalars['String']['input']>;
  /** Units delivered, 1 or more. */
  quantity: Scalars['Int']['input'];
};

/** One line of a recipe to set. */
export type RecipeLineInput = {
  /** The warehouse item. */
  itemId: Scalars['ID']['input'];
  /** Units of it per bouquet, 1 or more. */
  quantity: Scalars['Int']['input'];
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

/** Stock taken by hand (for an order or otherwise) or brought back to the shelves. */
export type StockMovementInput = {
  /** The item. */
  itemId: Scalars['ID']['input'];
  /** Free-text note. */
  note?: InputMaybe<Scalars['String']['input']>;
  /** The order it was for, if any (an order of the caller's shop). */
  orderId?: InputMaybe<Scalars['ID']['input']>;
  /** Units, 1 or more. */
  quantity: Scalars['Int']['input'];
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

/** Changes to a product: only the fields given are changed. */
export type UpdateProductInput = {
  /**
   * Links the product to this Bitrix product, or moves the link (unique in the shop: another
   * product with it is a CONFLICT naming that product); the product's state is then pushed to
   * Bitrix through the outbox.
   */
  bitrixProductId?: InputMaybe<Scalars['Int']['input']>;
  /** New description; an empty string clears it. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** New name; trimmed; 1 to 200 characters. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** New price in tiyn, 0 or more. */
  price?: InputMaybe<Scalars['Int']['input']>;
};

/** Changes to a warehouse item; only the fields given change. The quantity changes only through operations. */
export type UpdateWarehouseItemInput = {
  /** New cost of one unit in tiyn, 0 or more. */
  costPerUnit?: InputMaybe<Scalars['Int']['input']>;
  /** New low-stock level, 0 or more. */
  minQuantity?: InputMaybe<Scalars['Int']['input']>;
  /** New name; trimmed; unique within the shop. */
  name?: InputMaybe<Scalars['String']['input']>;
};

/** What an upload is for: it can be attached only there. */
export type UploadPurpose =
  /** A photo of an order (`addOrderPhoto`); readable by the shop's staff only. Any role. */
  | 'ORDER_PHOTO'
  /** An image of a product (`addProductImage`); public. ADMIN and MANAGER. */
  | 'PRODUCT_IMAGE';

/** Where an upload stands. */
export type UploadStatus =
  /** Created; waiting for the file at `uploadUrl`. */
  | 'PENDING'
  /** Stored and checked; attach it with its id. */
  | 'READY'
  /** The file is arriving or its variants are being made. */
  | 'RECEIVING'
  /** Refused (not an image, SVG, too many pixels, corrupt, more or fewer bytes than announced); see `rejection`. */
  | 'REJECTED';

/** What a person may do in the admin panel; the role matrix is in docs/security.md. */
export type UserRole =
  /** Everything, including the Bitrix sync queue. */
  | 'ADMIN'
  /** Delivers: order statuses and the recipient's contact. */
  | 'COURIER'
  /** Assembles bouquets: order statuses and warehouse operations. */
  | 'FLORIST'
  /** Catalog, orders, customers, warehouse and costs. */
  | 'MANAGER';

/** Why a quantity changed. */
export type WarehouseOperationType =
  /** An inventory count set the quantity; the operation records the difference. */
  | 'ADJUST'
  /** Stock was used for an order (subtracts). */
  | 'CONSUME'
  /** A delivery from a supplier arrived (adds, with its cost). */
  | 'RECEIVE'
  /** Unused stock came back to the shelves (adds). */
  | 'RETURN'
  /** Stock was thrown away (subtracts, with a reason). */
  | 'WRITE_OFF';

/** The unit a warehouse item is counted in. */
export type WarehouseUnit =
  /** Bunches (gypsophila, greenery). */
  | 'BUNCH'
  /** Metres (ribbon, paper). */
  | 'METRE'
  /** Pieces (boxes, cards, baskets). */
  | 'PIECE'
  /** Single stems (roses, tulips). */
  | 'STEM';

/** Why stock was written off. */
export type WriteOffReason =
  /** Broken or damaged. */
  | 'DAMAGED'
  /** Past its shelf life. */
  | 'EXPIRED'
  /** Missing and not found. */
  | 'LOST'
  /** Another reason, told in the note. */
  | 'OTHER'
  /** The flowers wilted. */
  | 'WILTED';

/** Stock thrown away. */
export type WriteOffStockInput = {
  /** The item. */
  itemId: Scalars['ID']['input'];
  /** Free-text note; required when the reason is OTHER. */
  note?: InputMaybe<Scalars['String']['input']>;
  /** Units written off, 1 or more. */
  quantity: Scalars['Int']['input'];
  /** Why. */
  reason: WriteOffReason;
};

export type Join__Graph =
  | 'CATALOG'
  | 'ORDERS'
  | 'WAREHOUSE';

export type Link__Purpose =
  /** `EXECUTION` features provide metadata necessary for operation execution. */
  | 'EXECUTION'
  /** `SECURITY` features provide metadata necessary to securely resolve fields. */
  | 'SECURITY';

export type AssignCourierMutationVariables = Exact<{
  orderId: Scalars['ID']['input'];
  courierId?: InputMaybe<Scalars['ID']['input']>;
}>;


export type AssignCourierMutation = { __typename?: 'Mutation', assignCourier: { __typename?: 'Order', id: string, version: number, status: OrderStatus, bitrixOrderId?: number | null, deliveryKind: DeliveryKind, recipientName?: string | null, deliveryAddress?: string | null, deliveryFrom?: string | null, deliveryTo?: string | null, cardText?: string | null, createdAt: string, updatedAt: string, courier?: { __typename?: 'User', id: string, name: string } | null, items: Array<{ __typename?: 'OrderItem', quantity: number, productName: string }>, photos: Array<{ __typename?: 'OrderPhoto', id: string, url: string, thumbnailUrl?: string | null, kind: OrderPhotoKind }> } };

export type BoardChangesSubscriptionVariables = Exact<{
  after?: InputMaybe<Scalars['ID']['input']>;
}>;


export type BoardChangesSubscription = { __typename?: 'Subscription', orderStatusChanged: { __typename?: 'OrderStatusChange', historyId: string, newStatus: OrderStatus, order: { __typename?: 'Order', id: string, version: number, status: OrderStatus, bitrixOrderId?: number | null, deliveryKind: DeliveryKind, recipientName?: string | null, deliveryAddress?: string | null, deliveryFrom?: string | null, deliveryTo?: string | null, cardText?: string | null, createdAt: string, updatedAt: string, courier?: { __typename?: 'User', id: string, name: string } | null, items: Array<{ __typename?: 'OrderItem', quantity: number, productName: string }>, photos: Array<{ __typename?: 'OrderPhoto', id: string, url: string, thumbnailUrl?: string | null, kind: OrderPhotoKind }> } } };

export type BoardOrderFragment = { __typename?: 'Order', id: string, version: number, status: OrderStatus, bitrixOrderId?: number | null, deliveryKind: DeliveryKind, recipientName?: string | null, deliveryAddress?: string | null, deliveryFrom?: string | null, deliveryTo?: string | null, cardText?: string | null, createdAt: string, updatedAt: string, courier?: { __typename?: 'User', id: string, name: string } | null, items: Array<{ __typename?: 'OrderItem', quantity: number, productName: string }>, photos: Array<{ __typename?: 'OrderPhoto', id: string, url: string, thumbnailUrl?: string | null, kind: OrderPhotoKind }> };

export type BoardOrdersQueryVariables = Exact<{
  status?: InputMaybe<Array<OrderStatus> | OrderStatus>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type BoardOrdersQuery = { __typename?: 'Query', orders: { __typename?: 'OrderConnection', edges: Array<{ __typename?: 'OrderEdge', node: { __typename?: 'Order', id: string, version: number, status: OrderStatus, bitrixOrderId?: number | null, deliveryKind: DeliveryKind, recipientName?: string | null, deliveryAddress?: string | null, deliveryFrom?: string | null, deliveryTo?: string | null, cardText?: string | null, createdAt: string, updatedAt: string, courier?: { __typename?: 'User', id: string, name: string } | null, items: Array<{ __typename?: 'OrderItem', quantity: number, productName: string }>, photos: Array<{ __typename?: 'OrderPhoto', id: string, url: string, thumbnailUrl?: string | null, kind: OrderPhotoKind }> } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type CouriersQueryVariables = Exact<{ [key: string]: never; }>;


export type CouriersQuery = { __typename?: 'Query', users: { __typename?: 'UserConnection', edges: Array<{ __typename?: 'UserEdge', node: { __typename?: 'User', id: string, name: string, active: boolean } }> } };

export type FeedHeadQueryVariables = Exact<{ [key: string]: never; }>;


export type FeedHeadQuery = { __typename?: 'Query', orderStatusFeedHead?: string | null };

export type MoveOrderMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  status: OrderStatus;
}>;


export type MoveOrderMutation = { __typename?: 'Mutation', updateOrderStatus: { __typename?: 'Order', id: string, version: number, status: OrderStatus, bitrixOrderId?: number | null, deliveryKind: DeliveryKind, recipientName?: string | null, deliveryAddress?: string | null, deliveryFrom?: string | null, deliveryTo?: string | null, cardText?: string | null, createdAt: string, updatedAt: string, courier?: { __typename?: 'User', id: string, name: string } | null, items: Array<{ __typename?: 'OrderItem', quantity: number, productName: string }>, photos: Array<{ __typename?: 'OrderPhoto', id: string, url: string, thumbnailUrl?: string | null, kind: OrderPhotoKind }> } };

export type OrderDetailsQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type OrderDetailsQuery = { __typename?: 'Query', order?: { __typename?: 'Order', total: number, comment?: string | null, id: string, version: number, status: OrderStatus, bitrixOrderId?: number | null, deliveryKind: DeliveryKind, recipientName?: string | null, deliveryAddress?: string | null, deliveryFrom?: string | null, deliveryTo?: string | null, cardText?: string | null, createdAt: string, updatedAt: string, history: Array<{ __typename?: 'OrderHistoryEntry', id: string, oldStatus?: OrderStatus | null, newStatus: OrderStatus, notes?: string | null, createdAt: string }>, courier?: { __typename?: 'User', id: string, name: string } | null, items: Array<{ __typename?: 'OrderItem', quantity: number, productName: string }>, photos: Array<{ __typename?: 'OrderPhoto', id: string, url: string, thumbnailUrl?: string | null, kind: OrderPhotoKind }> } | null };

export type SignInMutationVariables = Exact<{
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
}>;


export type SignInMutation = { __typename?: 'Mutation', login: { __typename?: 'AuthPayload', token: string, expiresAt: string, user: { __typename?: 'User', id: string, name: string, role: UserRole, shop: { __typename?: 'Shop', id: string, name: string } } } };
