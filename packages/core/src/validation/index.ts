export { hasLoneSurrogate, isSafeText, isStorableText } from "./textRules.js";
export { auditActionSchema, dateInputSchema, dateSchema, durationMsSchema, idSchema, labelSchema, requestContextSchema, storableText, userIdSchema } from "./schemas.js";
export { parseContext, parseId, parseInput } from "./parseInput.js";
