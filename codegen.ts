import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * Resolver types per subgraph, from its own SDL. Mappers type each resolver's parent as
 * what the data layer returns (Prisma rows), not as the GraphQL type.
 */
const PRISMA = "../../../prisma/generated/client";

function subgraph(name: string, contextType: string, mappers: Record<string, string>) {
  return {
    schema: `schema/${name}.graphql`,
    plugins: ["typescript", "typescript-resolvers"],
    config: {
      federation: true,
      useIndexSignature: true,
      contextType,
      mappers,
      mapperTypeSuffix: "Row",
      scalars: {
        DateTime: "Date",
        Date: "string",
        BigInt: "number",
        ID: { input: "string", output: "string | number" },
      },
      enumsAsTypes: true,
      avoidOptionals: false,
    },
  };
}

const config: CodegenConfig = {
  overwrite: true,
  hooks: {},
  generates: {
    "subgraphs/catalog/__generated__/resolvers-types.ts": subgraph("catalog", "../context#CatalogContext", {
      Product: `${PRISMA}#Product`,
      ProductImage: `${PRISMA}#ProductImage`,
      Shop: `${PRISMA}#Shop`,
      User: "../users#UserRow",
      AuthPayload: "../users#SignedIn",
      BitrixSync: `${PRISMA}#BitrixOutbox`,
      Upload: "../../../core/uploads/service#IssuedUpload",
      ImageVariant: "../../../core/uploads/service#VariantView",
    }),
    "subgraphs/orders/__generated__/resolvers-types.ts": subgraph("orders", "../context#OrdersContext", {
      Order: `${PRISMA}#Order`,
      OrderItem: `${PRISMA}#OrderItem`,
      OrderHistoryEntry: `${PRISMA}#OrderHistory`,
      OrderNote: `${PRISMA}#OrderHistory`,
      OrderPhoto: `${PRISMA}#OrderPhoto`,
      ImageVariant: "../../../core/uploads/service#VariantView",
      ClientProfile: `${PRISMA}#ClientProfile`,
      ShopStats: "../stats#ShopStatsRow",
      DayStats: "../stats#DayStats",
      GroupStats: "../stats#GroupStats",
      ProductSales: "../stats#ProductSales",
      OrderStatusChange: "../../../core/status-feed#StatusChangeRow",
      Payment: `${PRISMA}#Payment`,
    }),
    "subgraphs/warehouse/__generated__/resolvers-types.ts": subgraph("warehouse", "../context#WarehouseContext", {
      WarehouseItem: `${PRISMA}#WarehouseItem`,
      WarehouseOperation: `${PRISMA}#WarehouseOperation`,
      RecipeLine: `${PRISMA}#RecipeItem`,
      StockConsumption: `${PRISMA}#StockConsumption`,
      StockConsumptionLine: "../consumption#ConsumptionLine",
      Product: "../stock#ProductReference",
      Order: "../stock#OrderReference",
    }),
    // The board page's operations (board/src/operations), validated against the composed
    // supergraph: an operation naming a field the API does not have fails `npm run check`.
    "board/src/__generated__/operations.ts": {
      schema: "schema/supergraph.graphql",
      documents: "board/src/operations/*.graphql",
      plugins: ["typescript", "typescript-operations"],
      config: {
        onlyOperationTypes: true,
        enumsAsTypes: true,
        avoidOptionals: false,
        scalars: { DateTime: "string", Date: "string", BigInt: "number", ID: "string" },
      },
    },
  },
};

export default config;
