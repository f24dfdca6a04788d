/** The board's GraphQL over HTTP: one POST per operation to the page's own origin. */
import { TEXT, STATUS_NAME, MOVE_TO } from "./labels";
import type { OrderStatus } from "./__generated__/operations";

export interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

/** A request that failed: `code` is the GraphQL error code, or NETWORK when nothing came back. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const GRAPHQL_PATH = "/graphql";

export async function request<Data, Variables extends Record<string, unknown> = Record<string, never>>(
  query: string,
  variables: Variables,
  token: string | null,
): Promise<Data> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  } catch {
    throw new ApiError("NETWORK", TEXT.unavailable);
  }
  const body = (await response.json().catch(() => null)) as { data?: Data; errors?: GraphQLErrorShape[] } | null;
  const error = body?.errors?.[0];
  if (error)
    throw new ApiError(error.extensions?.code ?? "INTERNAL_SERVER_ERROR", error.message, error.extensions ?? {});
  if (!body?.data)
    throw new ApiError(response.status >= 500 ? "SERVICE_UNAVAILABLE" : "BAD_RESPONSE", TEXT.unavailable);
  return body.data;
}

/** What a person should read for an error of a board action. */
export function describeError(error: unknown, target?: OrderStatus): string {
  if (!(error instanceof ApiError)) return TEXT.genericError;
  const ext = error.extensions;
  switch (error.code) {
    case "BAD_USER_INPUT": {
      const current = ext.currentStatus as OrderStatus | undefined;
      const allowed = (ext.allowedNext as OrderStatus[] | undefined) ?? [];
      if (!current) return TEXT.genericError;
      const next = allowed.filter((status) => status !== "CANCELLED").map((status) => `«${MOVE_TO[status]}»`);
      return (
        `Заказ уже ${STATUS_NAME[current]}` +
        (target ? `, перевести в «${MOVE_TO[target]}» нельзя` : "") +
        (next.length ? `. Дальше можно: ${next.join(", ")}.` : ". Дальше статус не меняется.")
      );
    }
    case "FORBIDDEN":
      return TEXT.forbidden;
    case "NOT_FOUND":
      return TEXT.notFound;
    case "RATE_LIMITED":
      return TEXT.tooMany;
    case "NETWORK":
    case "SERVICE_UNAVAILABLE":
      return TEXT.unavailable;
    default:
      return TEXT.genericError;
  }
}

/** What a person should read when assigning a courier was refused. */
export function describeAssignError(error: unknown): string {
  if (!(error instanceof ApiError) || error.code !== "BAD_USER_INPUT") return describeError(error);
  const current = error.extensions.currentStatus as OrderStatus | undefined;
  if (current) return `Заказ уже ${STATUS_NAME[current]}, курьера не сменить.`;
  switch (error.extensions.reason) {
    case "DEACTIVATED":
      return TEXT.courierDeactivated;
    case "UNKNOWN":
    case "NOT_A_COURIER":
      return TEXT.courierUnknown;
    default:
      return TEXT.genericError;
  }
}
