/**
 * Tenant isolation, generated from the composed supergraph (schema/supergraph.graphql).
 *
 * Shop 8 (the attacker, a valid ADMIN token) calls every root query, every mutation and every
 * entity of every subgraph, with arguments filled from the values shop 17008 (the victim)
 * really has: ids of each type, Bitrix ids, anything whose name matches an argument. It
 * fails when
 *   - an answer holds any of the victim's objects (by type and id),
 *   - an answer for the victim's values differs from the answer for values that exist
 *     nowhere (another shop's row must look exactly like a missing one: no existence oracle),
 *   - any of the victim's rows changed.
 * Nothing here names a field: a field, mutation or entity added later is probed the same way.
 */
import fs from "node:fs";
import path from "node:path";
import { parse, getNamedType, Kind, type GraphQLNamedType, type GraphQLSchema } from "graphql";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { startTestStack, type TestStack, type GraphQLResponse } from "../harness";
import type { Role } from "../../core/auth";
import { signViewer } from "../../core/subgraph-signature";
import { MUTATION_PERMISSIONS, PUBLIC } from "../../core/permissions";
import { SCHEMA_DIR } from "../../core/subgraph-server";
import {
  apiSchema,
  entitiesBySubgraph,
  objectsIn,
  rootOperation,
  selectionFor,
  type KnownValues,
} from "./schema-probe";
import { databaseFingerprint } from "./db-fingerprint";

/** Who probes whom: two shops' admins, or two couriers of one shop. */
export interface IsolationScenario {
  attacker: { shopId: number; role: Role };
  victim: { shopId: number; role: Role };
  /** types whose objects belong to the victim alone (a shop's everything; a courier's orders) */
  privateTypes: readonly string[] | "all";
}

const MISSING_ID = "2147483000";
const schema = apiSchema();
const queryFields = Object.keys(schema.getQueryType()!.getFields());
const mutationFields = Object.keys(schema.getMutationType()?.getFields() ?? {}).filter(
  (name) => MUTATION_PERMISSIONS[name] !== PUBLIC,
);

/** What one shop's answers showed: object ids by type, scalar values by field name. */
class Seen {
  readonly ids = new Map<string, Set<string>>();
  readonly values = new Map<string, Set<unknown>>();

  record(data: unknown) {
    for (const { object } of objectsIn(data)) {
      const type = object.__typename as string;
      if (typeof object.id === "string" || typeof object.id === "number") {
        if (!this.ids.has(type)) this.ids.set(type, new Set());
        this.ids.get(type)!.add(String(object.id));
      }
      for (const [key, value] of Object.entries(object)) {
        if (key === "__typename" || key === "id" || value === null || typeof value === "object") continue;
        if (!this.values.has(key)) this.values.set(key, new Set());
        this.values.get(key)!.add(value);
      }
    }
  }
}

/** Defines the generated isolation suite for one scenario (the caller is a jest test file). */
export function defineIsolationSuite(scenario: IsolationScenario): void {
  let t: TestStack;
  const victim = new Seen();
  const attacker = new Seen();
  let tokens: { attacker: string; victim: string };
  let entityViewer: { userId: string; shopId: number; role: Role };

  /** The victim's values for an argument, never one the attacker's shop has too. */
  const victimValues: KnownValues = (name, argument, returnType) => {
    const wanted = name.replace(/Ids$/, "Id");
    const namedArgType = getNamedType(argument.type);
    const asArgument = (value: unknown) =>
      namedArgType.name === "Int" ? Number(value) : namedArgType.name === "ID" ? String(value) : value;
    const only = (values: Iterable<unknown> | undefined, theirs: Set<unknown> | undefined) =>
      [...(values ?? [])].find((value) => !theirs?.has(value) && !theirs?.has(String(value)));
    // only identifying arguments get the victim's values: ids and external ids (bitrixOrderId); a
    // name or a phone may just as well exist in the attacker's own shop
    if (!["ID", "Int", "String"].includes(namedArgType.name) || !/(^id|Id)$/.test(wanted)) return undefined;
    // only what is the victim's alone: in one shop, products and users are both couriers'
    const isPrivate = (name: string) =>
      scenario.privateTypes === "all" ||
      scenario.privateTypes.some((type) => name.toLowerCase().includes(type.toLowerCase()));
    if (wanted !== "id" && !isPrivate(wanted)) return undefined;
    if (wanted !== "id" && victim.values.has(wanted)) {
      const value = only(victim.values.get(wanted), attacker.values.get(wanted));
      if (value !== undefined && value !== "") return asArgument(value);
    }
    let typeName: string | undefined;
    if (wanted === "id") typeName = returnType?.name;
    else if (/Id$/.test(wanted)) {
      const stem = wanted.slice(0, -2).toLowerCase();
      const types = [...victim.ids.keys()];
      typeName =
        types.find((type) => type.toLowerCase() === stem) ?? types.find((type) => type.toLowerCase().endsWith(stem));
    }
    if (!typeName || !victim.ids.has(typeName) || !isPrivate(typeName)) return undefined;
    const id = only(victim.ids.get(typeName), new Set(attacker.ids.get(typeName)));
    return id === undefined ? undefined : asArgument(id);
  };

  /** Values of the same shape that exist in no shop. */
  function missingLike(value: unknown): unknown {
    if (typeof value === "number") return Number(MISSING_ID);
    if (typeof value === "string" && /^\d+$/.test(value)) return MISSING_ID;
    if (typeof value === "string")
      return (
        value.slice(0, 4) +
        value
          .slice(4)
          .replace(/\d/g, "9")
          .replace(/[a-zA-Z]/g, "q")
      );
    return value;
  }
  const missingValues: KnownValues = (name, argument, returnType) => {
    const value = victimValues(name, argument, returnType);
    return value === undefined ? undefined : missingLike(value);
  };

  /** Answers compared with the probed values, generated ids and times masked. */
  function normalised(response: GraphQLResponse, probes: unknown[]): string {
    const mask = (value: unknown, key?: string): unknown => {
      if (Array.isArray(value)) return value.map((v) => mask(v));
      if (value && typeof value === "object")
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, k)]));
      if (key && /^(id|.*Id|.*At|cursor|endCursor|token|createdAt|updatedAt|at)$/.test(key) && value !== null)
        return "<generated>";
      return value;
    };
    let text = JSON.stringify({
      data: mask(response.data ?? null),
      errors: (response.errors ?? []).map((e) => ({ message: e.message, code: e.extensions?.code, path: e.path })),
    });
    for (const probe of probes)
      if (probe !== undefined && probe !== null && String(probe).length > 0)
        text = text.split(String(probe)).join("<probe>");
    return text;
  }

  /** The victim's values an operation was built with: victimValues records what it hands out. */
  let handedOut: unknown[] = [];
  function recording(known: KnownValues): KnownValues {
    return (name, argument, returnType) => {
      const value = known(name, argument, returnType);
      if (value !== undefined) handedOut.push(value);
      return value;
    };
  }
  function probesOfLastBuild(): unknown[] {
    const values = [...new Set(handedOut)];
    handedOut = [];
    return [...values, ...values.map(missingLike)];
  }

  function leaks(data: unknown, echoedAt?: string): string[] {
    const found: string[] = [];
    for (const { path: at, object } of objectsIn(data)) {
      // an entity reference answers with the key it was given; that echo is no leak (the comparison with a missing id covers it)
      if (echoedAt !== undefined && at.join(".") === echoedAt) continue;
      const id = object.id === undefined || object.id === null ? null : String(object.id);
      const type = object.__typename as string;
      const isPrivate = scenario.privateTypes === "all" || scenario.privateTypes.includes(type);
      if (id && isPrivate && victim.ids.get(type)?.has(id) && !attacker.ids.get(type)?.has(id)) {
        found.push(`${at.join(".")}: ${object.__typename} ${id} of shop ${scenario.victim.shopId}`);
      }
    }
    return found;
  }

  const STRUCTURAL = new Set([
    "GRAPHQL_VALIDATION_FAILED",
    "GRAPHQL_PARSE_FAILED",
    "QUERY_LIMIT_EXCEEDED",
    "INTERNAL_SERVER_ERROR",
  ]);
  function structuralErrors(response: GraphQLResponse): string[] {
    return (response.errors ?? [])
      .filter((e) => STRUCTURAL.has(String(e.extensions?.code)))
      .map((e) => `${e.extensions?.code}: ${e.message}`);
  }

  /** Runs a root operation, backing off the selection depth when it is over the router's limits. */
  async function runRoot(
    kind: "query" | "mutation",
    field: string,
    known: KnownValues,
    token: string,
    depth = 4,
  ): Promise<{ operation: string; response: GraphQLResponse }> {
    for (let d = depth; d >= 1; d--) {
      const operation = rootOperation(schema, kind, field, known, { depth: d, fillOptionalIds: true });
      const response = await t.graphql(operation, {}, { token });
      if (!(response.errors ?? []).some((e) => e.extensions?.code === "QUERY_LIMIT_EXCEEDED"))
        return { operation, response };
    }
    throw new Error(`${kind} ${field}: no selection fits the router's limits`);
  }

  async function collect(seen: Seen, token: string) {
    // twice: the second round can fill arguments with what the first one found
    for (let round = 0; round < 2; round++) {
      for (const field of queryFields) {
        const known: KnownValues = (name, argument, returnType) => {
          const wanted = name.replace(/Ids$/, "Id");
          const type =
            wanted === "id"
              ? returnType?.name
              : [...seen.ids.keys()].find((k) => k.toLowerCase() === wanted.slice(0, -2).toLowerCase());
          const named = getNamedType(argument.type).name;
          const value =
            type && seen.ids.get(type)?.size
              ? [...seen.ids.get(type)!][0]
              : seen.values.get(wanted)?.values().next().value;
          return value === undefined
            ? undefined
            : named === "Int"
              ? Number(value)
              : named === "ID"
                ? String(value)
                : value;
        };
        const { response } = await runRoot("query", field, known, token, 5);
        seen.record(response.data);
      }
    }
  }

  beforeAll(async () => {
    t = await startTestStack();
    // real users: a courier's token sees what is assigned to that user id
    const userOf = async (party: IsolationScenario["attacker"], skip?: string) => {
      const { rows } = await t.ownerQuery("select id from app_user where shop_id = $1 and role = $2 order by id", [
        party.shopId,
        party.role,
      ]);
      return String(rows.map((r) => r.id).find((id) => String(id) !== skip));
    };
    const attackerId = await userOf(scenario.attacker);
    const victimId = await userOf(scenario.victim, attackerId);
    tokens = {
      attacker: t.token(scenario.attacker.shopId, scenario.attacker.role, { userId: attackerId }),
      victim: t.token(scenario.victim.shopId, scenario.victim.role, { userId: victimId }),
    };
    entityViewer = { userId: attackerId, shopId: scenario.attacker.shopId, role: scenario.attacker.role };
    await collect(victim, tokens.victim);
    await collect(attacker, tokens.attacker);
  }, 120_000);
  afterAll(() => t?.stop());

  it("knows the victim's objects of every type the API lists (the probes below are not empty)", () => {
    for (const type of scenario.privateTypes === "all"
      ? ["Order", "Product", "ProductImage", "WarehouseItem", "Shop", "User"]
      : scenario.privateTypes) {
      if (schema.getType(type))
        expect({ type, victim: victim.ids.get(type)?.size ?? 0 }).toEqual({ type, victim: expect.any(Number) });
      if (schema.getType(type)) expect(victim.ids.get(type)?.size ?? 0).toBeGreaterThan(0);
    }
  });

  describe("root queries", () => {
    it.each(queryFields)("%s", async (field) => {
      handedOut = [];
      const withVictim = await runRoot("query", field, recording(victimValues), tokens.attacker);
      const probes = probesOfLastBuild();
      const withMissing = await runRoot("query", field, missingValues, tokens.attacker);
      expect(structuralErrors(withVictim.response)).toEqual([]);
      expect(leaks(withVictim.response.data)).toEqual([]);
      expect(normalised(withVictim.response, probes)).toEqual(normalised(withMissing.response, probes));
      // the same operation by the victim itself does reach its data (the probe is not vacuous)
      if (probes.length) {
        const own = await runRoot("query", field, victimValues, tokens.victim);
        expect(structuralErrors(own.response)).toEqual([]);
        expect(own.response.data?.[field] ?? null).not.toBeNull();
      }
    });
  });

  describe("mutations", () => {
    let before: Record<string, string>;
    beforeAll(async () => {
      before = await databaseFingerprint((sql, params) => t.ownerQuery(sql, params), scenario.victim.shopId);
    });

    it.each(mutationFields)("%s", async (field) => {
      handedOut = [];
      const withVictim = await runRoot("mutation", field, recording(victimValues), tokens.attacker, 3);
      const probes = probesOfLastBuild();
      expect(structuralErrors(withVictim.response)).toEqual([]);
      expect(leaks(withVictim.response.data)).toEqual([]);
      // with none of the victim's values in it, a second run would only measure the first one's effect
      if (probes.length === 0) return;
      const withMissing = await runRoot("mutation", field, missingValues, tokens.attacker, 3);
      expect(structuralErrors(withMissing.response)).toEqual([]);
      expect(normalised(withVictim.response, probes)).toEqual(normalised(withMissing.response, probes));
    });

    it("changed none of the victim's rows", async () => {
      expect(await databaseFingerprint((sql, params) => t.ownerQuery(sql, params), scenario.victim.shopId)).toEqual(
        before,
      );
    });
  });

  describe("entities, straight to each subgraph with the attacker's signed viewer", () => {
    const subgraphSchemas = new Map<string, GraphQLSchema>();
    const schemaOf = (name: string) => {
      if (!subgraphSchemas.has(name)) {
        subgraphSchemas.set(
          name,
          buildSubgraphSchema({ typeDefs: parse(fs.readFileSync(path.join(SCHEMA_DIR, `${name}.graphql`), "utf8")) }),
        );
      }
      return subgraphSchemas.get(name)!;
    };
    const entities = entitiesBySubgraph().filter(
      (e) => scenario.privateTypes === "all" || scenario.privateTypes.includes(e.typeName),
    );

    async function resolve(subgraph: string, typeName: string, id: string) {
      const type = schemaOf(subgraph).getType(typeName) as GraphQLNamedType;
      const selection = selectionFor(type, () => undefined, 3);
      const response = await fetch(t.stack.subgraphs[subgraph as keyof TestStack["stack"]["subgraphs"]].url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...signViewer(entityViewer, "isolation", t.config.subgraphSecret),
        },
        body: JSON.stringify({
          query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${typeName} ${selection} } }`,
          variables: { r: [{ __typename: typeName, id }] },
        }),
      });
      return { ...((await response.json()) as GraphQLResponse), status: response.status };
    }

    it("covers every entity type of the supergraph", () => {
      // independently of the supergraph's join directives the probe reads: every resolvable @key in the subgraphs' own SDL
      const declared = new Set<string>();
      for (const file of fs
        .readdirSync(SCHEMA_DIR)
        .filter((f) => f.endsWith(".graphql") && f !== "supergraph.graphql")) {
        for (const definition of parse(fs.readFileSync(path.join(SCHEMA_DIR, file), "utf8")).definitions) {
          if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION)
            continue;
          const keys = (definition.directives ?? []).filter((d) => d.name.value === "key");
          const resolvable = keys.some((key) => {
            const flag = key.arguments?.find((a) => a.name.value === "resolvable")?.value;
            return !(flag?.kind === Kind.BOOLEAN && !flag.value);
          });
          const probed = scenario.privateTypes === "all" || scenario.privateTypes.includes(definition.name.value);
          if (resolvable && probed) declared.add(`${definition.name.value} in ${file.replace(/\.graphql$/, "")}`);
        }
      }
      expect(declared.size).toBeGreaterThan(scenario.privateTypes === "all" ? 3 : 0);
      expect(new Set(entities.map((e) => `${e.typeName} in ${e.subgraph}`))).toEqual(declared);
      for (const { typeName } of entities)
        expect({ typeName, knownVictimIds: (victim.ids.get(typeName)?.size ?? 0) > 0 }).toEqual({
          typeName,
          knownVictimIds: true,
        });
    });

    it.each(entities.map((e) => [e.typeName, e.subgraph] as [string, string]))(
      "%s in %s",
      async (typeName, subgraph) => {
        const victimId = [...victim.ids.get(typeName)!].find((id) => !attacker.ids.get(typeName)?.has(id))!;
        const ownId = [...attacker.ids.get(typeName)!][0];
        const withVictim = await resolve(subgraph, typeName, victimId);
        const withMissing = await resolve(subgraph, typeName, MISSING_ID);
        const own = await resolve(subgraph, typeName, ownId);
        for (const response of [withVictim, withMissing, own]) expect(structuralErrors(response)).toEqual([]);
        expect(leaks(withVictim.data, "_entities.0")).toEqual([]);
        expect(normalised(withVictim, [victimId, MISSING_ID])).toEqual(normalised(withMissing, [victimId, MISSING_ID]));
        expect(own.data?._entities?.[0] ?? null).not.toBeNull();
      },
    );
  });
}
