// @ts-check
// viem's own TSDoc (copied into our pages where `LocalChain.publicClient` shows viem's client
// type) links to viem symbols by bare name, which no page of ours holds. Those links point at the
// viem documentation instead of warning; a broken link in our own comments still warns.
/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.addUnknownSymbolResolver((ref, reflection) => {
    if (ref.moduleSource !== undefined) return undefined;
    return reflection.getFullName().includes(".publicClient.") ? "https://viem.sh/docs/clients/public" : undefined;
  });
}
