import { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import { WarehouseItem as WarehouseItemRow, WarehouseOperation as WarehouseOperationRow, RecipeItem as RecipeItemRow, StockConsumption as StockConsumptionRow } from '../../../prisma/generated/client';
import { ConsumptionLine as ConsumptionLineRow } from '../consumption';
import { ProductReference as ProductReferenceRow, OrderReference as OrderReferenceRow } from '../stock';
import { WarehouseContext } from '../context';
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
  _FieldSet: { input: any; output: any; }
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

export type Mutation = {
  __typename?: 'Mutation';
  /** Records an inventory count: sets the quantity and records the difference. ADMIN, MANAGER and FLORIST. */
  adjustStock: WarehouseOperation;
  /** Takes stock off the shelves by hand (e.g. for a bouquet made outside an order's recipe); refused when the item has fewer units. ADMIN, MANAGER and FLORIST. */
  consumeStock: WarehouseOperation;
  /** Adds an item to the warehouse with quantity 0 (stock arrives through receiveStock). ADMIN and MANAGER only. */
  createWarehouseItem: WarehouseItem;
  /** Records a delivery: adds to the quantity. ADMIN, MANAGER and FLORIST. */
  receiveStock: WarehouseOperation;
  /** Puts unused stock back on the shelves. ADMIN, MANAGER and FLORIST. */
  returnStock: WarehouseOperation;
  /** Replaces a bouquet's recipe with these lines (an empty list removes the recipe). ADMIN and MANAGER only. */
  setProductComposition: Product;
  /** Renames an item or changes its minimum level or cost. ADMIN and MANAGER only. */
  updateWarehouseItem: WarehouseItem;
  /** Writes stock off with a reason; refused when the item has fewer units than that. ADMIN, MANAGER and FLORIST. */
  writeOffStock: WarehouseOperation;
};


export type MutationAdjustStockArgs = {
  input: AdjustStockInput;
};


export type MutationConsumeStockArgs = {
  input: StockMovementInput;
};


export type MutationCreateWarehouseItemArgs = {
  input: CreateWarehouseItemInput;
};


export type MutationReceiveStockArgs = {
  input: ReceiveStockInput;
};


export type MutationReturnStockArgs = {
  input: StockMovementInput;
};


export type MutationSetProductCompositionArgs = {
  lines: Array<RecipeLineInput>;
  productId: Scalars['ID']['input'];
};


export type MutationUpdateWarehouseItemArgs = {
  id: Scalars['ID']['input'];
  input: UpdateWarehouseItemInput;
};


export type MutationWriteOffStockArgs = {
  input: WriteOffStockInput;
};

/** A customer's order, as far as the warehouse knows it. */
export type Order = {
  __typename?: 'Order';
  /** The order's id. */
  id: Scalars['ID']['output'];
  /** The stock taken from the shelves when the order was assembled, with any shortfall; null until the order reaches ASSEMBLED (and for orders assembled before the warehouse tracked consumption). */
  stockConsumption?: Maybe<StockConsumption>;
};

/** Where a page ends and whether another follows. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last edge of this page; pass it as `after` to get the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when a next page exists. */
  hasNextPage: Scalars['Boolean']['output'];
};

/** A product of the catalog, as far as the warehouse knows it. */
export type Product = {
  __typename?: 'Product';
  /** The bouquet's recipe: which warehouse items, and how many of each, one bouquet takes. Empty when it has no recipe. */
  composition: Array<RecipeLine>;
  /** The product's id. */
  id: Scalars['ID']['output'];
  /** How many of this bouquet can be assembled from the warehouse's stock right now, by its recipe. 0 when it has no recipe. */
  stock: Scalars['Int']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** Items whose quantity is below their minimum level, the emptiest (relative to the minimum) first. */
  lowStockItems: Array<WarehouseItem>;
  /** Stock consumed by assembled orders, newest first; `shortOnly` lists only those with a shortfall. */
  stockConsumptions: StockConsumptionConnection;
  /** One warehouse item of the caller's shop, or null. */
  warehouseItem?: Maybe<WarehouseItem>;
  /** The shop's warehouse items by name. `first` is at most 100 (default 20). */
  warehouseItems: WarehouseItemConnection;
  /** The shop's stock movements, newest first, filtered by item, type, order and time. `first` is at most 100 (default 20). */
  warehouseOperations: WarehouseOperationConnection;
};


export type QueryStockConsumptionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  shortOnly?: InputMaybe<Scalars['Boolean']['input']>;
};


export type QueryWarehouseItemArgs = {
  id: Scalars['ID']['input'];
};


export type QueryWarehouseItemsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryWarehouseOperationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  itemId?: InputMaybe<Scalars['ID']['input']>;
  orderId?: InputMaybe<Scalars['ID']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
  types?: InputMaybe<Array<WarehouseOperationType>>;
};

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

/** One line of a bouquet's recipe, e.g. 15 stems of «Роза красная 60 см». */
export type RecipeLine = {
  __typename?: 'RecipeLine';
  /** The warehouse item used. */
  item: WarehouseItem;
  /** How many units of it one bouquet takes. */
  quantity: Scalars['Int']['output'];
};

/** One line of a recipe to set. */
export type RecipeLineInput = {
  /** The warehouse item. */
  itemId: Scalars['ID']['input'];
  /** Units of it per bouquet, 1 or more. */
  quantity: Scalars['Int']['input'];
};

/** The stock an assembled order used: written once per order, in the same transaction as its CONSUME operations. */
export type StockConsumption = {
  __typename?: 'StockConsumption';
  /** When the stock was consumed. */
  createdAt: Scalars['DateTime']['output'];
  /** True when some item was short: the bouquet was assembled anyway and the shelves need counting or restocking. */
  hasShortfall: Scalars['Boolean']['output'];
  /** The record's id. */
  id: Scalars['ID']['output'];
  /** What each warehouse item gave, per recipe line summed over the order's items. */
  lines: Array<StockConsumptionLine>;
  /** The order whose bouquets used the stock. */
  orderId: Scalars['ID']['output'];
  /** Units that the recipes needed but the shelves did not have, over all lines. */
  shortfallUnits: Scalars['Int']['output'];
};

/** A page of consumption records, newest first. */
export type StockConsumptionConnection = {
  __typename?: 'StockConsumptionConnection';
  /** The records of this page. */
  edges: Array<StockConsumptionEdge>;
  /** Where this page ends and whether another follows. */
  pageInfo: PageInfo;
  /** How many records match, over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** One consumption record in a page. */
export type StockConsumptionEdge = {
  __typename?: 'StockConsumptionEdge';
  /** Opaque cursor of this edge, for `after`. */
  cursor: Scalars['String']['output'];
  /** The consumption record. */
  node: StockConsumption;
};

/** What one warehouse item gave to an assembled order. */
export type StockConsumptionLine = {
  __typename?: 'StockConsumptionLine';
  /** Units actually taken from the recorded stock (never more than was there). */
  consumed: Scalars['Int']['output'];
  /** The warehouse item. */
  item: WarehouseItem;
  /** Units the recipes asked for. */
  required: Scalars['Int']['output'];
  /** Units that were missing: required minus consumed. */
  shortfall: Scalars['Int']['output'];
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

/** Changes to a warehouse item; only the fields given change. The quantity changes only through operations. */
export type UpdateWarehouseItemInput = {
  /** New cost of one unit in tiyn, 0 or more. */
  costPerUnit?: InputMaybe<Scalars['Int']['input']>;
  /** New low-stock level, 0 or more. */
  minQuantity?: InputMaybe<Scalars['Int']['input']>;
  /** New name; trimmed; unique within the shop. */
  name?: InputMaybe<Scalars['String']['input']>;
};

/** Something on the warehouse's shelves: flowers, greenery, wrapping. */
export type WarehouseItem = {
  __typename?: 'WarehouseItem';
  /** Cost of one unit in tiyn (a weighted average over deliveries). Null for roles that may not see purchase costs (FLORIST, COURIER). */
  costPerUnit?: Maybe<Scalars['Int']['output']>;
  /** When the item was created. */
  createdAt: Scalars['DateTime']['output'];
  /** The item's id. */
  id: Scalars['ID']['output'];
  /** True when the quantity is below the minimum level. */
  lowStock: Scalars['Boolean']['output'];
  /** Below this quantity the item counts as low on stock. */
  minQuantity: Scalars['Int']['output'];
  /** The item's name, e.g. «Роза красная 60 см». */
  name: Scalars['String']['output'];
  /** How many units are on the shelves. */
  quantity: Scalars['Int']['output'];
  /** What one unit of quantity is. */
  unit: WarehouseUnit;
  /** When the item last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

/** A page of warehouse items. */
export type WarehouseItemConnection = {
  __typename?: 'WarehouseItemConnection';
  /** The items of this page. */
  edges: Array<WarehouseItemEdge>;
  /** Where this page ends and whether another follows. */
  pageInfo: PageInfo;
  /** How many items there are over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** One warehouse item in a page. */
export type WarehouseItemEdge = {
  __typename?: 'WarehouseItemEdge';
  /** Opaque cursor of this edge, for `after`. */
  cursor: Scalars['String']['output'];
  /** The warehouse item. */
  node: WarehouseItem;
};

/** One change of a warehouse item's quantity. Every change is one of these, written in the same transaction as the change. */
export type WarehouseOperation = {
  __typename?: 'WarehouseOperation';
  /** The item's quantity right after this operation. */
  balanceAfter: Scalars['Int']['output'];
  /** Cost of one unit for a delivery, in tiyn. Null for other operations and for roles that may not see purchase costs. */
  costPerUnit?: Maybe<Scalars['Int']['output']>;
  /** When it happened. */
  createdAt: Scalars['DateTime']['output'];
  /** Who made it: the user's id, or `system:stock-consumer` for consumption when an order is assembled. */
  createdBy: Scalars['String']['output'];
  /** Signed change of the quantity (+20 received, −3 written off). */
  delta: Scalars['Int']['output'];
  /** The operation's id. */
  id: Scalars['ID']['output'];
  /** The item whose quantity changed. */
  item: WarehouseItem;
  /** Free-text note of the person who made it. */
  note?: Maybe<Scalars['String']['output']>;
  /** The order this operation was for, if any. */
  orderId?: Maybe<Scalars['ID']['output']>;
  /** Why (a write-off reason such as WILTED, or the order's assembly for CONSUME). */
  reason?: Maybe<Scalars['String']['output']>;
  /** What kind of change. */
  type: WarehouseOperationType;
};

/** A page of warehouse operations, newest first. */
export type WarehouseOperationConnection = {
  __typename?: 'WarehouseOperationConnection';
  /** The operations of this page. */
  edges: Array<WarehouseOperationEdge>;
  /** Where this page ends and whether another follows. */
  pageInfo: PageInfo;
  /** How many operations match the filters, over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** One operation in a page. */
export type WarehouseOperationEdge = {
  __typename?: 'WarehouseOperationEdge';
  /** Opaque cursor of this edge, for `after`. */
  cursor: Scalars['String']['output'];
  /** The operation. */
  node: WarehouseOperation;
};

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
  AdjustStockInput: AdjustStockInput;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  CreateWarehouseItemInput: CreateWarehouseItemInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Mutation: ResolverTypeWrapper<{}>;
  Order: ResolverTypeWrapper<OrderReferenceRow>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Product: ResolverTypeWrapper<ProductReferenceRow>;
  Query: ResolverTypeWrapper<{}>;
  ReceiveStockInput: ReceiveStockInput;
  RecipeLine: ResolverTypeWrapper<RecipeItemRow>;
  RecipeLineInput: RecipeLineInput;
  StockConsumption: ResolverTypeWrapper<StockConsumptionRow>;
  StockConsumptionConnection: ResolverTypeWrapper<Omit<StockConsumptionConnection, 'edges'> & { edges: Array<ResolversTypes['StockConsumptionEdge']> }>;
  StockConsumptionEdge: ResolverTypeWrapper<Omit<StockConsumptionEdge, 'node'> & { node: ResolversTypes['StockConsumption'] }>;
  StockConsumptionLine: ResolverTypeWrapper<ConsumptionLineRow>;
  StockMovementInput: StockMovementInput;
  UpdateWarehouseItemInput: UpdateWarehouseItemInput;
  WarehouseItem: ResolverTypeWrapper<WarehouseItemRow>;
  WarehouseItemConnection: ResolverTypeWrapper<Omit<WarehouseItemConnection, 'edges'> & { edges: Array<ResolversTypes['WarehouseItemEdge']> }>;
  WarehouseItemEdge: ResolverTypeWrapper<Omit<WarehouseItemEdge, 'node'> & { node: ResolversTypes['WarehouseItem'] }>;
  WarehouseOperation: ResolverTypeWrapper<WarehouseOperationRow>;
  WarehouseOperationConnection: ResolverTypeWrapper<Omit<WarehouseOperationConnection, 'edges'> & { edges: Array<ResolversTypes['WarehouseOperationEdge']> }>;
  WarehouseOperationEdge: ResolverTypeWrapper<Omit<WarehouseOperationEdge, 'node'> & { node: ResolversTypes['WarehouseOperation'] }>;
  WarehouseOperationType: WarehouseOperationType;
  WarehouseUnit: WarehouseUnit;
  WriteOffReason: WriteOffReason;
  WriteOffStockInput: WriteOffStockInput;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  AdjustStockInput: AdjustStockInput;
  Int: Scalars['Int']['output'];
  ID: Scalars['ID']['output'];
  String: Scalars['String']['output'];
  CreateWarehouseItemInput: CreateWarehouseItemInput;
  DateTime: Scalars['DateTime']['output'];
  Mutation: {};
  Order: OrderReferenceRow;
  PageInfo: PageInfo;
  Boolean: Scalars['Boolean']['output'];
  Product: ProductReferenceRow;
  Query: {};
  ReceiveStockInput: ReceiveStockInput;
  RecipeLine: RecipeItemRow;
  RecipeLineInput: RecipeLineInput;
  StockConsumption: StockConsumptionRow;
  StockConsumptionConnection: Omit<StockConsumptionConnection, 'edges'> & { edges: Array<ResolversParentTypes['StockConsumptionEdge']> };
  StockConsumptionEdge: Omit<StockConsumptionEdge, 'node'> & { node: ResolversParentTypes['StockConsumption'] };
  StockConsumptionLine: ConsumptionLineRow;
  StockMovementInput: StockMovementInput;
  UpdateWarehouseItemInput: UpdateWarehouseItemInput;
  WarehouseItem: WarehouseItemRow;
  WarehouseItemConnection: Omit<WarehouseItemConnection, 'edges'> & { edges: Array<ResolversParentTypes['WarehouseItemEdge']> };
  WarehouseItemEdge: Omit<WarehouseItemEdge, 'node'> & { node: ResolversParentTypes['WarehouseItem'] };
  WarehouseOperation: WarehouseOperationRow;
  WarehouseOperationConnection: Omit<WarehouseOperationConnection, 'edges'> & { edges: Array<ResolversParentTypes['WarehouseOperationEdge']> };
  WarehouseOperationEdge: Omit<WarehouseOperationEdge, 'node'> & { node: ResolversParentTypes['WarehouseOperation'] };
  WriteOffStockInput: WriteOffStockInput;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type MutationResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  adjustStock?: Resolver<ResolversTypes['WarehouseOperation'], ParentType, ContextType, RequireFields<MutationAdjustStockArgs, 'input'>>;
  consumeStock?: Resolver<ResolversTypes['WarehouseOperation'], ParentType, ContextType, RequireFields<MutationConsumeStockArgs, 'input'>>;
  createWarehouseItem?: Resolver<ResolversTypes['WarehouseItem'], ParentType, ContextType, RequireFields<MutationCreateWarehouseItemArgs, 'input'>>;
  receiveStock?: Resolver<ResolversTypes['WarehouseOperation'], ParentType, ContextType, RequireFields<MutationReceiveStockArgs, 'input'>>;
  returnStock?: Resolver<ResolversTypes['WarehouseOperation'], ParentType, ContextType, RequireFields<MutationReturnStockArgs, 'input'>>;
  setProductComposition?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationSetProductCompositionArgs, 'lines' | 'productId'>>;
  updateWarehouseItem?: Resolver<ResolversTypes['WarehouseItem'], ParentType, ContextType, RequireFields<MutationUpdateWarehouseItemArgs, 'id' | 'input'>>;
  writeOffStock?: Resolver<ResolversTypes['WarehouseOperation'], ParentType, ContextType, RequireFields<MutationWriteOffStockArgs, 'input'>>;
}>;

export type OrderResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['Order'] = ResolversParentTypes['Order']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Order']>, { __typename: 'Order' } & GraphQLRecursivePick<ParentType, {"id":true}>, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  stockConsumption?: Resolver<Maybe<ResolversTypes['StockConsumption']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type PageInfoResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type ProductResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['Product'] = ResolversParentTypes['Product']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Product']>, { __typename: 'Product' } & GraphQLRecursivePick<ParentType, {"id":true}>, ContextType>;
  composition?: Resolver<Array<ResolversTypes['RecipeLine']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  stock?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  lowStockItems?: Resolver<Array<ResolversTypes['WarehouseItem']>, ParentType, ContextType>;
  stockConsumptions?: Resolver<ResolversTypes['StockConsumptionConnection'], ParentType, ContextType, Partial<QueryStockConsumptionsArgs>>;
  warehouseItem?: Resolver<Maybe<ResolversTypes['WarehouseItem']>, ParentType, ContextType, RequireFields<QueryWarehouseItemArgs, 'id'>>;
  warehouseItems?: Resolver<ResolversTypes['WarehouseItemConnection'], ParentType, ContextType, Partial<QueryWarehouseItemsArgs>>;
  warehouseOperations?: Resolver<ResolversTypes['WarehouseOperationConnection'], ParentType, ContextType, Partial<QueryWarehouseOperationsArgs>>;
}>;

export type RecipeLineResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['RecipeLine'] = ResolversParentTypes['RecipeLine']> = ResolversObject<{
  item?: Resolver<ResolversTypes['WarehouseItem'], ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type StockConsumptionResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['StockConsumption'] = ResolversParentTypes['StockConsumption']> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  hasShortfall?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lines?: Resolver<Array<ResolversTypes['StockConsumptionLine']>, ParentType, ContextType>;
  orderId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  shortfallUnits?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type StockConsumptionConnectionResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['StockConsumptionConnection'] = ResolversParentTypes['StockConsumptionConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['StockConsumptionEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type StockConsumptionEdgeResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['StockConsumptionEdge'] = ResolversParentTypes['StockConsumptionEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['StockConsumption'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type StockConsumptionLineResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['StockConsumptionLine'] = ResolversParentTypes['StockConsumptionLine']> = ResolversObject<{
  consumed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  item?: Resolver<ResolversTypes['WarehouseItem'], ParentType, ContextType>;
  required?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  shortfall?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type WarehouseItemResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['WarehouseItem'] = ResolversParentTypes['WarehouseItem']> = ResolversObject<{
  costPerUnit?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lowStock?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  minQuantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  unit?: Resolver<ResolversTypes['WarehouseUnit'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type WarehouseItemConnectionResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['WarehouseItemConnection'] = ResolversParentTypes['WarehouseItemConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['WarehouseItemEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type WarehouseItemEdgeResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['WarehouseItemEdge'] = ResolversParentTypes['WarehouseItemEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['WarehouseItem'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type WarehouseOperationResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['WarehouseOperation'] = ResolversParentTypes['WarehouseOperation']> = ResolversObject<{
  balanceAfter?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  costPerUnit?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  createdBy?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  delta?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  item?: Resolver<ResolversTypes['WarehouseItem'], ParentType, ContextType>;
  note?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  orderId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  type?: Resolver<ResolversTypes['WarehouseOperationType'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type WarehouseOperationConnectionResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['WarehouseOperationConnection'] = ResolversParentTypes['WarehouseOperationConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['WarehouseOperationEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type WarehouseOperationEdgeResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['WarehouseOperationEdge'] = ResolversParentTypes['WarehouseOperationEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['WarehouseOperation'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type Resolvers<ContextType = WarehouseContext> = ResolversObject<{
  DateTime?: GraphQLScalarType;
  Mutation?: MutationResolvers<ContextType>;
  Order?: OrderResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Product?: ProductResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RecipeLine?: RecipeLineResolvers<ContextType>;
  StockConsumption?: StockConsumptionResolvers<ContextType>;
  StockConsumptionConnection?: StockConsumptionConnectionResolvers<ContextType>;
  StockConsumptionEdge?: StockConsumptionEdgeResolvers<ContextType>;
  StockConsumptionLine?: StockConsumptionLineResolvers<ContextType>;
  WarehouseItem?: WarehouseItemResolvers<ContextType>;
  WarehouseItemConnection?: WarehouseItemConnectionResolvers<ContextType>;
  WarehouseItemEdge?: WarehouseItemEdgeResolvers<ContextType>;
  WarehouseOperation?: WarehouseOperationResolvers<ContextType>;
  WarehouseOperationConnection?: WarehouseOperationConnectionResolvers<ContextType>;
  WarehouseOperationEdge?: WarehouseOperationEdgeResolvers<ContextType>;
}>;

