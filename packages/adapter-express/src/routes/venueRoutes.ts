import { z } from "zod";
import { route, type RouteSpec } from "../routeSpec.js";
import type { RouteDeps } from "./deps.js";

const venueFieldSchema = z
  .strictObject({
    name: z.enum(["apiKey", "secret", "password", "uid"]).meta({ description: "The credential field it fills." }),
    label: z.string().meta({ description: "What the venue calls it on its key page." }),
    format: z.string().meta({ description: "What a valid value looks like, in words." }),
    required: z.boolean(),
  })
  .meta({ id: "VenueField" });

export const venueSchema = z
  .strictObject({
    id: z.string().meta({ description: "The exchange id used in `POST /v1/credentials`." }),
    displayName: z.string(),
    fields: z.array(venueFieldSchema),
    requiredFields: z.array(z.enum(["apiKey", "secret", "password", "uid"])),
    keyPageUrl: z.string().meta({ description: "Where a user creates a key." }),
    enablePermissions: z.array(z.string()).meta({ description: "Permissions to enable, as the venue names them." }),
    leaveOffPermissions: z.array(z.string()).meta({ description: "Permissions to leave off (withdrawals first)." }),
    reportsPermissions: z.boolean().meta({ description: "The venue reports whether a key can withdraw; when false, storing a key needs `acceptUnknownPermissions`." }),
    supportsGeneratedKeys: z.boolean().meta({ description: "The venue accepts a key pair the user generates (only the public key is uploaded)." }),
    supportsIpAllowlist: z.boolean(),
    egressIps: z.array(z.string()).meta({ description: "This deployment's outbound addresses, for the key's IP allowlist." }),
  })
  .meta({ id: "Venue", description: "A supported exchange and what its key form needs. Never carries a secret." });

/** `/v1/venues`: the supported exchanges, read only. */
export function venueRoutes({ walletAuth }: RouteDeps): RouteSpec[] {
  return [
    route({
      method: "get", path: "/v1/venues", operationId: "listVenues", summary: "Supported exchanges and what a key for each needs", tag: "venues", auth: "session", scope: "any",
      response: z.array(venueSchema),
      handler: async () => walletAuth.venues.list(),
    }),
  ];
}
