// lib/config.ts reads these at import; unit tests never reach a database with them.
process.env.TABLE_NAME ??= "webim-unit";
process.env.WEBIM_SECRET ??= "unit-test-secret-0123456789abcdef0123456789";
