/** esbuild's text loader: an operation file imports as its source text. */
declare module "*.graphql" {
  const source: string;
  export default source;
}
