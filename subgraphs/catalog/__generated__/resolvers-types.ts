import { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import { Product as ProductRow, ProductImage as ProductImageRow, Shop as ShopRow, BitrixOutbox as BitrixOutboxRow } from '../../../prisma/generated/client';
import { UserRow as UserRowRow, SignedIn as SignedInRow } from '../users';
import { IssuedUpload as IssuedUploadRow, VariantView as VariantViewRow } from '../../../core/uploads/service';
import { CatalogContext } from '../context';
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
  /** An instant as an ISO-8601 string with a time zone, e.g. 2026-11-26T15:04:05.000Z. */
  DateTime: { input: Date; output: Date; }
  /** A JSON object, e.g. the headers of an upload: `{"content-type": "image/jpeg"}`. */
  JSONObject: { input: any; output: any; }
  _FieldSet: { input: any; output: any; }
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

/** A successful sign-in: a bearer token and who it belongs to. */
export type AuthPayload = {
  __typename?: 'AuthPayload';
  /** When the token stops being valid (12 hours after sign-in); sign in again after that. */
  expiresAt: Scalars['DateTime']['output'];
  /** A JWT (HS256) for `Authorization: Bearer <token>` and the subscriptions' `connection_init` payload. */
  token: Scalars['String']['output'];
  /** The signed-in user. */
  user: User;
};

/**
 * One product change queued for Bitrix CRM (an entry of the outbox). Edits made before the first
 * send collapse into one entry that sends the product's latest state.
 */
export type BitrixSync = {
  __typename?: 'BitrixSync';
  /** Sends tried so far. */
  attempts: Scalars['Int']['output'];
  /** The Bitrix product id it is sent to. */
  bitrixProductId?: Maybe<Scalars['Int']['output']>;
  /** How many edits were collapsed into this entry. */
  changes: Scalars['Int']['output'];
  /** When the first edit of this entry was queued. */
  createdAt: Scalars['DateTime']['output'];
  /** When Bitrix accepted it; null until DELIVERED. */
  deliveredAt?: Maybe<Scalars['DateTime']['output']>;
  /** The entry's id; Bitrix receives it as the `Idempotency-Key` of every attempt. */
  id: Scalars['ID']['output'];
  /** When the last send was tried; null before the first. */
  lastAttemptAt?: Maybe<Scalars['DateTime']['output']>;
  /**
   * Why the last attempt failed (status and the start of Bitrix's answer, a timeout, a network
   * error); null after a success.
   */
  lastError?: Maybe<Scalars['String']['output']>;
  /** Bitrix's HTTP status of the last attempt; null when it did not answer (timeout, network). */
  lastHttpStatus?: Maybe<Scalars['Int']['output']>;
  /** When the next attempt is due; null unless PENDING. */
  nextAttemptAt?: Maybe<Scalars['DateTime']['output']>;
  /** The product this change is about. */
  product: Product;
  /** Where the change stands. */
  state: BitrixSyncState;
  /** When the entry last changed (an edit collapsed in, an attempt, a retry). */
  updatedAt: Scalars['DateTime']['output'];
};

/** A page of the Bitrix sync queue. */
export type BitrixSyncConnection = {
  __typename?: 'BitrixSyncConnection';
  /** The entries of this page. */
  edges: Array<BitrixSyncEdge>;
  /** Where this page ends and whether another follows. */
  pageInfo: PageInfo;
  /** How many entries match the filter, over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** One entry in a page of the Bitrix sync queue. */
export type BitrixSyncEdge = {
  __typename?: 'BitrixSyncEdge';
  /** Opaque cursor of this edge, for `after`. */
  cursor: Scalars['String']['output'];
  /** The queued change. */
  node: BitrixSync;
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
  /** Adds an image to a product, last in display order unless it is made the main image. At most 20 images per product. ADMIN and MANAGER only. */
  addProductImage: Product;
  /** Archives a product: it leaves the catalog and is disabled, while orders keep showing it. Archiving twice is harmless. ADMIN and MANAGER only. */
  archiveProduct: Product;
  /** Changes the caller's own password; the current one is required. Any signed-in user. */
  changePassword: User;
  /**
   * Changes a user's role; their tokens issued under the old role stop working at once. ADMIN
   * only. The shop's last active ADMIN cannot be demoted (CONFLICT).
   */
  changeUserRole: User;
  /** Creates a product in the caller's shop. ADMIN and MANAGER only. */
  createProduct: Product;
  /**
   * Creates an upload: where and how to `PUT` one image file (at most 15 MB), to attach afterwards with
   * `addProductImage(uploadId)` (purpose PRODUCT_IMAGE: ADMIN and MANAGER) or `addOrderPhoto(uploadId)`
   * (purpose ORDER_PHOTO: any role). Only the creating user of this shop can attach it.
   */
  createUpload: Upload;
  /**
   * Adds a member of staff to the caller's shop. ADMIN only. With `password`, they can sign in at
   * once; without it, the answer carries a one-time `setPasswordToken` for `setPassword`.
   */
  createUser: User;
  /**
   * Deactivates a user: their tokens stop working at once and they cannot sign in. Deactivating
   * twice is harmless. ADMIN only. The shop's last active ADMIN cannot be deactivated (CONFLICT).
   */
  deactivateUser: User;
  /**
   * Signs in with e-mail and password. A wrong e-mail and a wrong password get the same
   * UNAUTHENTICATED answer in the same time. Limited per client IP (429 with Retry-After).
   */
  login: AuthPayload;
  /** Removes an image; when it was the main image, the next one becomes main; an uploaded image's files are deleted. ADMIN and MANAGER only. */
  removeProductImage: Product;
  /** Puts a product's images in a new display order. `imageIds` must list every image of the product exactly once. ADMIN and MANAGER only. */
  reorderProductImages: Product;
  /**
   * Sends a queued product change to Bitrix again. ADMIN only. A PENDING entry is tried now;
   * a PARKED entry is replaced by a new entry carrying the product's current state (returned);
   * a DELIVERED or REPLACED entry is refused with CONFLICT.
   */
  retryBitrixSync: BitrixSync;
  /** Makes an image the product's main image. ADMIN and MANAGER only. */
  setMainProductImage: Product;
  /** Sets a password with the one-time token from `createUser`, and signs in. The token works once. */
  setPassword: AuthPayload;
  /** Offers a product for sale (true) or withdraws it (false). ADMIN and MANAGER only. */
  setProductEnabled: Product;
  /** Changes a product's name, price or description. ADMIN and MANAGER only. */
  updateProduct: Product;
};


export type MutationAddProductImageArgs = {
  input?: InputMaybe<AddProductImageInput>;
  isMain?: InputMaybe<Scalars['Boolean']['input']>;
  productId: Scalars['ID']['input'];
  uploadId?: InputMaybe<Scalars['ID']['input']>;
  url?: InputMaybe<Scalars['String']['input']>;
};


export type MutationArchiveProductArgs = {
  id: Scalars['ID']['input'];
};


export type MutationChangePasswordArgs = {
  newPassword: Scalars['String']['input'];
  oldPassword: Scalars['String']['input'];
};


export type MutationChangeUserRoleArgs = {
  id: Scalars['ID']['input'];
  role: UserRole;
};


export type MutationCreateProductArgs = {
  input: CreateProductInput;
};


export type MutationCreateUploadArgs = {
  input: CreateUploadInput;
};


export type MutationCreateUserArgs = {
  input: CreateUserInput;
};


export type MutationDeactivateUserArgs = {
  id: Scalars['ID']['input'];
};


export type MutationLoginArgs = {
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
};


export type MutationRemoveProductImageArgs = {
  imageId: Scalars['ID']['input'];
};


export type MutationReorderProductImagesArgs = {
  imageIds: Array<Scalars['ID']['input']>;
  productId: Scalars['ID']['input'];
};


export type MutationRetryBitrixSyncArgs = {
  id: Scalars['ID']['input'];
};


export type MutationSetMainProductImageArgs = {
  imageId: Scalars['ID']['input'];
};


export type MutationSetPasswordArgs = {
  password: Scalars['String']['input'];
  token: Scalars['String']['input'];
};


export type MutationSetProductEnabledArgs = {
  enabled: Scalars['Boolean']['input'];
  id: Scalars['ID']['input'];
};


export type MutationUpdateProductArgs = {
  id: Scalars['ID']['input'];
  input: UpdateProductInput;
};

/** Where a page ends and whether another follows. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last edge of this page; pass it as `after` to get the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when a next page exists. */
  hasNextPage: Scalars['Boolean']['output'];
};

/** A bouquet or gift the shop sells. */
export type Product = {
  __typename?: 'Product';
  /** When the product was archived; null while it is in the catalog. Archived products are left out of `products` but orders still show them. */
  archivedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The product's id in Bitrix CRM, when it is synchronised with Bitrix. */
  bitrixProductId?: Maybe<Scalars['Int']['output']>;
  /**
   * Where the product's latest change stands on its way to Bitrix CRM; null when none was ever
   * queued (products of other shops and products without a Bitrix id are never sent). ADMIN only
   * (`bitrix.sync`, like `bitrixSyncQueue`): other roles get FORBIDDEN.
   */
  bitrixSync?: Maybe<BitrixSync>;
  /** When the product was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Longer description, if any. */
  description?: Maybe<Scalars['String']['output']>;
  /** Whether the product is offered for sale. */
  enabled: Scalars['Boolean']['output'];
  /** The price in the shop's style, e.g. "4 950 ₸": groups of three separated by a plain space (as the public contract spells it), tiyn after a comma only when the amount is not whole. */
  formattedPrice: Scalars['String']['output'];
  /** The product's id. */
  id: Scalars['ID']['output'];
  /** Images in display order; the main image first. */
  images: Array<ProductImage>;
  /** The product's name as shown to customers. */
  name: Scalars['String']['output'];
  /** Price in tiyn (1/100 of a tenge): 495000 is 4 950 ₸. */
  price: Scalars['Int']['output'];
  /** When the product was last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

/** A page of products. */
export type ProductConnection = {
  __typename?: 'ProductConnection';
  /** The products of this page. */
  edges: Array<ProductEdge>;
  /** Where this page ends and whether another follows. */
  pageInfo: PageInfo;
  /** How many products match the filters, over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** One product in a page of products. */
export type ProductEdge = {
  __typename?: 'ProductEdge';
  /** Opaque cursor of this edge, for `after`. */
  cursor: Scalars['String']['output'];
  /** The product. */
  node: Product;
};

/** An image of a product. */
export type ProductImage = {
  __typename?: 'ProductImage';
  /** The image's id. */
  id: Scalars['ID']['output'];
  /** Whether this is the product's main image. */
  isMain: Scalars['Boolean']['output'];
  /** Display position, 0 first. */
  position: Scalars['Int']['output'];
  /** The 320 px WebP thumbnail, for images uploaded here (`addProductImage` with `uploadId`); null for images that live elsewhere. */
  thumbnailUrl?: Maybe<Scalars['String']['output']>;
  /** Absolute https URL of the image. */
  url: Scalars['String']['output'];
  /** The WebP variants of an uploaded image (`thumb` 320 px, `large` 1600 px), public and cacheable for good; empty for images that live elsewhere. */
  variants: Array<ImageVariant>;
};

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

export type Query = {
  __typename?: 'Query';
  /**
   * The shop's queue of product changes for Bitrix CRM, oldest first. ADMIN only. Use
   * `state: PARKED` to find the changes that need a person.
   */
  bitrixSyncQueue: BitrixSyncConnection;
  /** The signed-in user, as named by the token. */
  me: User;
  /** One product of the caller's shop, or null when there is none with that id. */
  product?: Maybe<Product>;
  /** The shop's products that are not archived, newest first unless `sort` says otherwise. `search` matches Russian word forms in the name and description («роза» finds «Розы») and parts of the name («эвкал» finds «Эвкалипт»), case-insensitively. `first` is at most 100 (default 20). */
  products: ProductConnection;
  /** The caller's shop. */
  shop: Shop;
  /** The shop's staff, by name, deactivated users included (see `active`). ADMIN and MANAGER only. */
  users: UserConnection;
  /**
   * Internal: whether the signed viewer's token names an active user of its shop with its role.
   * Asked by the router before it forwards a request; not part of the public API.
   */
  viewerAccess: ViewerAccess;
};


export type QueryBitrixSyncQueueArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  state?: InputMaybe<BitrixSyncState>;
};


export type QueryProductArgs = {
  id: Scalars['ID']['input'];
};


export type QueryProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  maxPrice?: InputMaybe<Scalars['Int']['input']>;
  minPrice?: InputMaybe<Scalars['Int']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
  sort?: InputMaybe<ProductSort>;
};


export type QueryUsersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  role?: InputMaybe<UserRole>;
};

/** A flower shop: one tenant of the system. Every product, order and stock item belongs to exactly one shop. */
export type Shop = {
  __typename?: 'Shop';
  /** The shop's id (8 is development, 17008 is production cvety.kz). */
  id: Scalars['ID']['output'];
  /** The shop's display name. */
  name: Scalars['String']['output'];
  /** Short machine name, e.g. `cvety-kz`. */
  slug: Scalars['String']['output'];
  /** IANA time zone the shop works in, e.g. Asia/Almaty. */
  timezone: Scalars['String']['output'];
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

/** An upload: `PUT` the file's bytes to `uploadUrl` with `uploadHeaders` within 15 minutes, then pass `id` as `uploadId` to `addProductImage` or `addOrderPhoto`. An upload never attached is deleted after a day. */
export type Upload = {
  __typename?: 'Upload';
  /** The announced size in bytes. */
  byteSize: Scalars['Int']['output'];
  /** The announced type. */
  contentType: Scalars['String']['output'];
  /** When `uploadUrl` stops working (15 minutes after creation). */
  expiresAt: Scalars['DateTime']['output'];
  /** The upload's id, for `uploadId`. */
  id: Scalars['ID']['output'];
  /** What it is for. */
  purpose: UploadPurpose;
  /** Why the upload was refused, when it was. */
  rejection?: Maybe<Scalars['String']['output']>;
  /** Where it stands. */
  status: UploadStatus;
  /** Headers to send with the `PUT`, e.g. `{"content-type": "image/jpeg"}`. */
  uploadHeaders: Scalars['JSONObject']['output'];
  /** Where to `PUT` the file: our own origin by default, a presigned bucket URL when S3 storage is configured. Works once, until `expiresAt`. */
  uploadUrl: Scalars['String']['output'];
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

/**
 * A person who signs in to the admin panel. Belongs to exactly one shop. An entity: other
 * subgraphs refer to users by id (an order's courier); a reference resolves only within the caller's shop.
 */
export type User = {
  __typename?: 'User';
  /** False once an ADMIN deactivated the user: their tokens stopped working and they cannot sign in. */
  active: Scalars['Boolean']['output'];
  /** When the user was added. */
  createdAt: Scalars['DateTime']['output'];
  /** When the user was deactivated; null while active. */
  deactivatedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The e-mail address the user signs in with. */
  email: Scalars['String']['output'];
  /** The user's id (the `sub` of their tokens). */
  id: Scalars['ID']['output'];
  /** The user's display name. */
  name: Scalars['String']['output'];
  /** What the user may do. */
  role: UserRole;
  /**
   * A one-time token for setting the first password (`setPassword`), valid 72 hours. Only in the
   * answer of `createUser` without a password; null everywhere else (it is never stored, only its hash).
   */
  setPasswordToken?: Maybe<Scalars['String']['output']>;
  /** The shop the user works for; every token of the user is confined to it. */
  shop: Shop;
};

/** A page of the shop's staff. */
export type UserConnection = {
  __typename?: 'UserConnection';
  /** The users of this page. */
  edges: Array<UserEdge>;
  /** Where this page ends and whether another follows. */
  pageInfo: PageInfo;
  /** How many users match the filter, over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** One user in a page of users. */
export type UserEdge = {
  __typename?: 'UserEdge';
  /** Opaque cursor of this edge, for `after`. */
  cursor: Scalars['String']['output'];
  /** The user. */
  node: User;
};

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

/** Whether a token's user may still act, as the router asks it (internal; not in the public API). */
export type ViewerAccess = {
  __typename?: 'ViewerAccess';
  /** The token's user exists in that shop and is active. */
  active: Scalars['Boolean']['output'];
  /** The user's current role; null when there is no such user. */
  role?: Maybe<UserRole>;
  /** The token's shop exists. */
  shopExists: Scalars['Boolean']['output'];
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
  AddProductImageInput: AddProductImageInput;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  AuthPayload: ResolverTypeWrapper<SignedInRow>;
  BitrixSync: ResolverTypeWrapper<BitrixOutboxRow>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  BitrixSyncConnection: ResolverTypeWrapper<Omit<BitrixSyncConnection, 'edges'> & { edges: Array<ResolversTypes['BitrixSyncEdge']> }>;
  BitrixSyncEdge: ResolverTypeWrapper<Omit<BitrixSyncEdge, 'node'> & { node: ResolversTypes['BitrixSync'] }>;
  BitrixSyncState: BitrixSyncState;
  CreateProductInput: CreateProductInput;
  CreateUploadInput: CreateUploadInput;
  CreateUserInput: CreateUserInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  ImageVariant: ResolverTypeWrapper<VariantViewRow>;
  JSONObject: ResolverTypeWrapper<Scalars['JSONObject']['output']>;
  Mutation: ResolverTypeWrapper<{}>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Product: ResolverTypeWrapper<ProductRow>;
  ProductConnection: ResolverTypeWrapper<Omit<ProductConnection, 'edges'> & { edges: Array<ResolversTypes['ProductEdge']> }>;
  ProductEdge: ResolverTypeWrapper<Omit<ProductEdge, 'node'> & { node: ResolversTypes['Product'] }>;
  ProductImage: ResolverTypeWrapper<ProductImageRow>;
  ProductSort: ProductSort;
  Query: ResolverTypeWrapper<{}>;
  Shop: ResolverTypeWrapper<ShopRow>;
  UpdateProductInput: UpdateProductInput;
  Upload: ResolverTypeWrapper<IssuedUploadRow>;
  UploadPurpose: UploadPurpose;
  UploadStatus: UploadStatus;
  User: ResolverTypeWrapper<UserRowRow>;
  UserConnection: ResolverTypeWrapper<Omit<UserConnection, 'edges'> & { edges: Array<ResolversTypes['UserEdge']> }>;
  UserEdge: ResolverTypeWrapper<Omit<UserEdge, 'node'> & { node: ResolversTypes['User'] }>;
  UserRole: UserRole;
  ViewerAccess: ResolverTypeWrapper<ViewerAccess>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  AddProductImageInput: AddProductImageInput;
  Boolean: Scalars['Boolean']['output'];
  ID: Scalars['ID']['output'];
  String: Scalars['String']['output'];
  AuthPayload: SignedInRow;
  BitrixSync: BitrixOutboxRow;
  Int: Scalars['Int']['output'];
  BitrixSyncConnection: Omit<BitrixSyncConnection, 'edges'> & { edges: Array<ResolversParentTypes['BitrixSyncEdge']> };
  BitrixSyncEdge: Omit<BitrixSyncEdge, 'node'> & { node: ResolversParentTypes['BitrixSync'] };
  CreateProductInput: CreateProductInput;
  CreateUploadInput: CreateUploadInput;
  CreateUserInput: CreateUserInput;
  DateTime: Scalars['DateTime']['output'];
  ImageVariant: VariantViewRow;
  JSONObject: Scalars['JSONObject']['output'];
  Mutation: {};
  PageInfo: PageInfo;
  Product: ProductRow;
  ProductConnection: Omit<ProductConnection, 'edges'> & { edges: Array<ResolversParentTypes['ProductEdge']> };
  ProductEdge: Omit<ProductEdge, 'node'> & { node: ResolversParentTypes['Product'] };
  ProductImage: ProductImageRow;
  Query: {};
  Shop: ShopRow;
  UpdateProductInput: UpdateProductInput;
  Upload: IssuedUploadRow;
  User: UserRowRow;
  UserConnection: Omit<UserConnection, 'edges'> & { edges: Array<ResolversParentTypes['UserEdge']> };
  UserEdge: Omit<UserEdge, 'node'> & { node: ResolversParentTypes['User'] };
  ViewerAccess: ViewerAccess;
}>;

export type AuthPayloadResolvers<ContextType = CatalogContext, ParentType extends ResolversParentTypes['AuthPayload'] = ResolversParentTypes['AuthPayload']> = ResolversObject<{
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  token?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type BitrixSyncResolvers<ContextType = CatalogContext, ParentType extends ResolversParentTypes['BitrixSync'] = ResolversParentTypes['BitrixSync']> = ResolversObject<{
  attempts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  bitrixProductId?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  changes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  deliveredAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lastAttemptAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  lastError?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  lastHttpStatus?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  nextAttemptAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  product?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['BitrixSyncState'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type BitrixSyncConnectionResolvers<ContextType = CatalogContext, ParentType extends ResolversParentTypes['BitrixSyncConnection'] = ResolversParentTypes['BitrixSyncConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['BitrixSyncEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type BitrixSyncEdgeResolvers<ContextType = CatalogContext, ParentType extends ResolversParentTypes['BitrixSyncEdge'] = ResolversParentTypes['BitrixSyncEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['BitrixSync'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type ImageVariantResolvers<ContextType = CatalogContext, ParentType extends ResolversParentTypes['ImageVariant'] = ResolversParentTypes['ImageVariant']> = ResolversObject<{
  byteSize?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  contentType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  expiresAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  width?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export interface JsonObjectScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['JSONObject'], any> {
  name: 'JSONObject';
}

export type MutationResolvers<ContextType = CatalogContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  addProductImage?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationAddProductImageArgs, 'productId'>>;
  archiveProduct?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationArchiveProductArgs, 'id'>>;
  changePassword?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationChangePasswordArgs, 'newPassword' | 'oldPassword'>>;
  changeUserRole?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationChangeUserRoleArgs, 'id' | 'role'>>;
  createProduct?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationCreateProductArgs, 'input'>>;
  createUpload?: Resolver<ResolversTypes['Upload'], ParentType, ContextType, RequireFields<MutationCreateUploadArgs, 'input'>>;
  createUser?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationCreateUserArgs, 'input'>>;
  deactivateUser?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationDeactivateUserArgs, 'id'>>;
  login?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationLoginArgs, 'email' | 'password'>>;
  removeProductImage?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationRemoveProductImageArgs, 'imageId'>>;
  reorderProductImages?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationReorderProductImagesArgs, 'imageIds' | 'productId'>>;
  retryBitrixSync?: Resolver<ResolversTypes['BitrixSync'], ParentType, ContextType, RequireFields<MutationRetryBitrixSyncArgs, 'id'>>;
  setMainProductImage?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationSetMainProductImageArgs, 'imageId'>>;
  setPassword?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationSetPasswordArgs, 'password' | 'token'>>;
  setProductEnabled?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationSetProductEnabledArgs, 'enabled' | 'id'>>;
  updateProduct?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationUpdateProductArgs, 'id' | 'input'>>;
}>;

export type PageInfoResolvers<ContextType = CatalogContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type ProductResolvers<ContextType = CatalogContext, ParentType extends ResolversParentTypes['Product'] = ResolversParentTypes['Product']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Product']>, { __typename: 'Product' } & GraphQLRecursivePick<ParentType, {"id":true}>, ContextType>;
  archivedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  bitrixProductId?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  bitrixSync?: Resolver<Maybe<ResolversTypes['BitrixSync']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  enabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  formattedPrice?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  images?: Resolver<Array<ResolversTypes['ProductImage']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  price?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type ProductConnectionResolvers<ContextType = CatalogContext, ParentType extends ResolversParentTypes['ProductConnection'] = ResolversParentTypes['ProductConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['ProductEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type ProductEdgeResolvers<ContextType = CatalogContext, ParentType extends ResolversParentTypes['ProductEdge'] = ResolversParentTypes['ProductEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type ProductImageResolvers<ContextType = CatalogContext, ParentType extends ResolversParentTypes['ProductImage'] = ResolversParentTypes['ProductImage']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  isMain?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  position?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  thumbnailUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  variants?: Resolver<Array<ResolversTypes['ImageVariant']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = CatalogContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  bitrixSyncQueue?: Resolver<ResolversTypes['BitrixSyncConnection'], ParentType, ContextType, Partial<QueryBitrixSyncQueueArgs>>;
  me?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType, RequireFields<QueryProductArgs, 'id'>>;
  products?: Resolver<ResolversTypes['ProductConnection'], ParentType, ContextType, Partial<QueryProductsArgs>>;
  shop?: Resolver<ResolversTypes['Shop'], ParentType, ContextType>;
  users?: Resolver<ResolversTypes['UserConnection'], ParentType, ContextType, Partial<QueryUsersArgs>>;
  viewerAccess?: Resolver<ResolversTypes['ViewerAccess'], ParentType, ContextType>;
}>;

export type ShopResolvers<ContextType = CatalogContext, ParentType extends ResolversParentTypes['Shop'] = ResolversParentTypes['Shop']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  slug?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  timezone?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type UploadResolvers<ContextType = CatalogContext, ParentType extends ResolversParentTypes['Upload'] = ResolversParentTypes['Upload']> = ResolversObject<{
  byteSize?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  contentType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  purpose?: Resolver<ResolversTypes['UploadPurpose'], ParentType, ContextType>;
  rejection?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['UploadStatus'], ParentType, ContextType>;
  uploadHeaders?: Resolver<ResolversTypes['JSONObject'], ParentType, ContextType>;
  uploadUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type UserResolvers<ContextType = CatalogContext, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['User']>, { __typename: 'User' } & GraphQLRecursivePick<ParentType, {"id":true}>, ContextType>;
  active?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  deactivatedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  email?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  role?: Resolver<ResolversTypes['UserRole'], ParentType, ContextType>;
  setPasswordToken?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  shop?: Resolver<ResolversTypes['Shop'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type UserConnectionResolvers<ContextType = CatalogContext, ParentType extends ResolversParentTypes['UserConnection'] = ResolversParentTypes['UserConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['UserEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type UserEdgeResolvers<ContextType = CatalogContext, ParentType extends ResolversParentTypes['UserEdge'] = ResolversParentTypes['UserEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type ViewerAccessResolvers<ContextType = CatalogContext, ParentType extends ResolversParentTypes['ViewerAccess'] = ResolversParentTypes['ViewerAccess']> = ResolversObject<{
  active?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  role?: Resolver<Maybe<ResolversTypes['UserRole']>, ParentType, ContextType>;
  shopExists?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type Resolvers<ContextType = CatalogContext> = ResolversObject<{
  AuthPayload?: AuthPayloadResolvers<ContextType>;
  BitrixSync?: BitrixSyncResolvers<ContextType>;
  BitrixSyncConnection?: BitrixSyncConnectionResolvers<ContextType>;
  BitrixSyncEdge?: BitrixSyncEdgeResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  ImageVariant?: ImageVariantResolvers<ContextType>;
  JSONObject?: GraphQLScalarType;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Product?: ProductResolvers<ContextType>;
  ProductConnection?: ProductConnectionResolvers<ContextType>;
  ProductEdge?: ProductEdgeResolvers<ContextType>;
  ProductImage?: ProductImageResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Shop?: ShopResolvers<ContextType>;
  Upload?: UploadResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
  UserConnection?: UserConnectionResolvers<ContextType>;
  UserEdge?: UserEdgeResolvers<ContextType>;
  ViewerAccess?: ViewerAccessResolvers<ContextType>;
}>;

