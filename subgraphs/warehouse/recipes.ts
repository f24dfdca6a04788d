import type { SqlReader, Tx } from "../../core/db";
import type { RecipeItem } from "../../prisma/generated/client";
import { badUserInput, notFound } from "../../core/errors";
import { integerInRange } from "../../core/validation";

/** Recipes: which warehouse items, and how many, one bouquet takes. */

export const MAX_RECIPE_LINES = 50;

export function findRecipeLines(sql: SqlReader, productIds: readonly number[], shopId: number): Promise<RecipeItem[]> {
  return sql<RecipeItem>(
    `select shop_id, product_id, item_id, quantity from recipe_item where shop_id = $1 and product_id = any($2::int[]) order by product_id, item_id`,
    [shopId, productIds],
  );
}

/** Replaces a product's whole recipe. The product and every item must belong to the shop. */
export async function setComposition(
  tx: Tx,
  shopId: number,
  productId: number,
  lines: readonly { itemId: number; quantity: number }[],
): Promise<void> {
  if (lines.length > MAX_RECIPE_LINES)
    throw badUserInput(`A recipe has at most ${MAX_RECIPE_LINES} lines, got ${lines.length}`, "lines");
  const seen = new Set<number>();
  for (const [index, line] of lines.entries()) {
    integerInRange(line.quantity, `lines[${index}].quantity`, 1, 100_000);
    if (seen.has(line.itemId))
      throw badUserInput(
        `Item ${line.itemId} appears more than once; give each item one line`,
        `lines[${index}].itemId`,
      );
    seen.add(line.itemId);
  }
  // the product row is locked so two concurrent edits of one recipe apply one after the other
  const product = await tx.$queryRaw<
    { id: number }[]
  >`select id from product where id = ${productId} and shop_id = ${shopId} for update`;
  if (!product.length) throw notFound("Product", productId);
  const items = await tx.warehouseItem.findMany({ where: { shopId, id: { in: [...seen] } }, select: { id: true } });
  const known = new Set(items.map((item) => item.id));
  const missing = [...seen].filter((id) => !known.has(id));
  if (missing.length) throw badUserInput(`No warehouse item with id ${missing.join(", ")} in this shop`, "lines");
  await tx.recipeItem.deleteMany({ where: { shopId, productId } });
  if (lines.length) {
    await tx.recipeItem.createMany({
      data: lines.map((line) => ({ shopId, productId, itemId: line.itemId, quantity: line.quantity })),
    });
  }
}
