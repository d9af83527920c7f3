import { hmac, sameText } from "../shared/signatures.js";
import type { VenueDefinition } from "../shared/venueServer.js";
import { fail, kucoinRoutes } from "./kucoinRoutes.js";

/** KuCoin refuses a KC-API-TIMESTAMP more than 5 s from its clock. */
const TIMESTAMP_WINDOW_MS = 5_000;

/**
 * KuCoin spot stand-in (API key version 2). Signing as KuCoin documents it: `KC-API-SIGN` = base64
 * HMAC-SHA256 (secret) of `timestamp + METHOD + endpoint (+ "?" + query) + body`;
 * `KC-API-PASSPHRASE` = base64 HMAC-SHA256 of the passphrase keyed by the secret
 * (`KC-API-KEY-VERSION: 2`); `KC-API-TIMESTAMP` in ms within 5 s. Refusals (HTTP 401 with
 * `{ code, msg }`): 400001 (headers missing), 400002 (timestamp), 400003 (key), 400004
 * (passphrase), 400005 (signature), 400006 (IP); 400007 (permission, HTTP 403).
 * `GET /api/v1/user/api-key` reports `permission` ("General,Spot,InnerTransfer,Transfer";
 * KuCoin's "Transfer" is withdrawal)
 * and `ipWhitelist` (comma-separated); KuCoin reports no expiry.
 */
export const kucoinVenue: VenueDefinition = {
  id: "kucoin",
  routes: kucoinRoutes,
  orderId: (n) => `6717422bfd8c9d0007${n.toString(16).padStart(6, "0")}`,
  authenticate(request, findAccount, now) {
    const key = request.header("KC-API-KEY");
    const sign = request.header("KC-API-SIGN");
    const timestamp = request.header("KC-API-TIMESTAMP");
    const passphrase = request.header("KC-API-PASSPHRASE");
    const version = request.header("KC-API-KEY-VERSION");
    if (key === undefined || sign === undefined || timestamp === undefined || passphrase === undefined) {
      return fail(401, "400001", "Please check the header of your request for KC-API-KEY, KC-API-SIGN, KC-API-TIMESTAMP, KC-API-PASSPHRASE");
    }
    const ts = Number(timestamp);
    if (!/^\d+$/.test(timestamp) || Math.abs(now - ts) > TIMESTAMP_WINDOW_MS) {
      return fail(401, "400002", "KC-API-TIMESTAMP Invalid -- Time differs from server time by more than 5 seconds");
    }
    const found = findAccount(key);
    if (found === undefined) return fail(401, "400003", "KC-API-KEY not exists");
    const expectedPassphrase = hmac("sha256", found.credentials.secret, found.credentials.password ?? "", "base64");
    if (version !== "2" && version !== "3") return fail(401, "400004", "Invalid KC-API-PASSPHRASE");
    if (!sameText(passphrase, expectedPassphrase)) return fail(401, "400004", "Invalid KC-API-PASSPHRASE");
    const endpoint = request.path + (request.rawQuery === "" ? "" : `?${request.rawQuery}`);
    const expected = hmac("sha256", found.credentials.secret, timestamp + request.method + endpoint + request.rawBody, "base64");
    if (!sameText(sign, expected)) return fail(401, "400005", "Invalid KC-API-SIGN");
    return found;
  },
  refuse(reason, request) {
    if (reason === "ip") return fail(401, "400006", `Invalid request ip, the current clientIp is:${request.remoteAddress}`);
    if (reason === "expired") return fail(401, "400003", "KC-API-KEY not exists");
    return fail(403, "400007", "Access Denied -- Your api key does not have sufficient permissions to access the URI");
  },
  notFound: () => fail(404, "404000", "Not Found"),
};
