import { GraphQLResolveInfo } from 'graphql';
import { WarehouseItem as WarehouseItemRow } from '../../../prisma/generated/client';
import { ProductReference as ProductReferenceRow } from '../stock';
import { WarehouseContext } from '../context';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string | number; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  _FieldSet: { input: any; output: any; }
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
  /** The product's id. */
  id: Scalars['ID']['output'];
  /** How many of this bouquet can be assembled from the warehouse's stock right now, by its recipe. 0 when it has no recipe. */
  stock: Scalars['Int']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** The shop's warehouse items by name. `first` is at most 100 (default 20). */
  warehouseItems: WarehouseItemConnection;
};


export type QueryWarehouseItemsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** Something on the warehouse's shelves: flowers, greenery, wrapping. */
export type WarehouseItem = {
  __typename?: 'WarehouseItem';
  /** The item's id. */
  id: Scalars['ID']['output'];
  /** Below this quantity the item counts as low on stock. */
  minQuantity: Scalars['Int']['output'];
  /** The item's name, e.g. «Роза красная 60 см». */
  name: Scalars['String']['output'];
  /** How many units are on the shelves. */
  quantity: Scalars['Int']['output'];
  /** What one unit of quantity is. */
  unit: WarehouseUnit;
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
  PageInfo: ResolverTypeWrapper<PageInfo>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Product: ResolverTypeWrapper<ProductReferenceRow>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Query: ResolverTypeWrapper<{}>;
  WarehouseItem: ResolverTypeWrapper<WarehouseItemRow>;
  WarehouseItemConnection: ResolverTypeWrapper<Omit<WarehouseItemConnection, 'edges'> & { edges: Array<ResolversTypes['WarehouseItemEdge']> }>;
  WarehouseItemEdge: ResolverTypeWrapper<Omit<WarehouseItemEdge, 'node'> & { node: ResolversTypes['WarehouseItem'] }>;
  WarehouseUnit: WarehouseUnit;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  PageInfo: PageInfo;
  String: Scalars['String']['output'];
  Boolean: Scalars['Boolean']['output'];
  Product: ProductReferenceRow;
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  Query: {};
  WarehouseItem: WarehouseItemRow;
  WarehouseItemConnection: Omit<WarehouseItemConnection, 'edges'> & { edges: Array<ResolversParentTypes['WarehouseItemEdge']> };
  WarehouseItemEdge: Omit<WarehouseItemEdge, 'node'> & { node: ResolversParentTypes['WarehouseItem'] };
}>;

export type PageInfoResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type ProductResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['Product'] = ResolversParentTypes['Product']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Product']>, { __typename: 'Product' } & GraphQLRecursivePick<ParentType, {"id":true}>, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  stock?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  warehouseItems?: Resolver<ResolversTypes['WarehouseItemConnection'], ParentType, ContextType, Partial<QueryWarehouseItemsArgs>>;
}>;

export type WarehouseItemResolvers<ContextType = WarehouseContext, ParentType extends ResolversParentTypes['WarehouseItem'] = ResolversParentTypes['WarehouseItem']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  minQuantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  unit?: Resolver<ResolversTypes['WarehouseUnit'], ParentType, ContextType>;
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

export type Resolvers<ContextType = WarehouseContext> = ResolversObject<{
  PageInfo?: PageInfoResolvers<ContextType>;
  Product?: ProductResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  WarehouseItem?: WarehouseItemResolvers<ContextType>;
  WarehouseItemConnection?: WarehouseItemConnectionResolvers<ContextType>;
  WarehouseItemEdge?: WarehouseItemEdgeResolvers<ContextType>;
}>;

