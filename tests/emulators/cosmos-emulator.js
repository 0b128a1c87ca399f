#!/usr/bin/env node
// Cosmos DB (NoSQL API) gateway emulator for local runs and tests.
//
// Wraps @vercel/cosmosdb-server 1.0.1 (pinned in package.json) and fixes what the real .NET SDK trips over:
//   - reading a missing item answers 404 (the library throws and answers 500);
//   - the SDK's query-plan request is answered (the library answers it with documents, so every SDK query fails
//     on Linux), and a query sent with a partition key only sees that partition (the library ignores the header);
//   - the change feed (A-IM: Incremental feed) returns writes made after the continuation (the library always
//     answers 304 with etag "1");
//   - TTL is enforced: expired items are gone for reads, queries, the change feed and creates;
//   - connections are kept alive (the library's CLI sends Connection: close);
//   - with --data FILE, every write is journaled and replayed at start, so state survives a restart.
// Unsupported even so: transactional batch, bulk, stored procedures, throttling (429), real RU charges.
//
// Usage: node cosmos-emulator.js [--port 8081] [--host 127.0.0.1] [--data path/to/journal.jsonl]
// Prints "cosmos emulator ready on https://HOST:PORT/" once it accepts connections.
"use strict";

const fs = require("fs");
const https = require("https");
const path = require("path");
const crypto = require("crypto");

const lib = path.dirname(require.resolve("@vercel/cosmosdb-server/package.json"));
const Account = require(path.join(lib, "lib/account")).default;
const Items = require(path.join(lib, "lib/account/items")).default;
const Documents = require(path.join(lib, "lib/account/documents")).default;
const libraryRoutes = require(path.join(lib, "lib/routes")).default;
const createRouter = require(path.join(lib, "lib/router")).default;
const readJson = require(path.join(lib, "lib/json")).default;
const readItems = require(path.join(lib, "lib/handler/_read-items")).default;
const readDocumentsHandler = require(path.join(lib, "lib/handler/read-documents")).default;
const getValue = require(path.join(lib, "lib/utils/get-value")).default;

// ---------------------------------------------------------------- arguments
const args = { port: 8081, host: "127.0.0.1", data: null };
for (let i = 2; i < process.argv.length; i += 1) {
  const key = process.argv[i];
  const value = process.argv[i + 1];
  if (key === "--port") { args.port = parseInt(value, 10); i += 1; }
  else if (key === "--host") { args.host = value; i += 1; }
  else if (key === "--data") { args.data = value; i += 1; }
  else if (key === "--help" || key === "-h") {
    console.log("usage: cosmos-emulator.js [--port 8081] [--host 127.0.0.1] [--data journal.jsonl]");
    process.exit(0);
  } else {
    console.error(`unknown argument: ${key}`);
    process.exit(2);
  }
}
if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
  console.error(`--port must be 0-65535`);
  process.exit(2);
}

// ---------------------------------------------------------------- TTL
const nowSeconds = () => Math.floor(Date.now() / 1000);

function isExpired(items, doc) {
  if (!(items instanceof Documents) || !doc) return false;
  const collection = items._parent.read();
  if (!collection || collection.defaultTtl === undefined || collection.defaultTtl === null) return false;
  const ttl = doc.ttl !== undefined && doc.ttl !== null ? doc.ttl : collection.defaultTtl;
  if (ttl === -1 || typeof ttl !== "number") return false;
  return doc._ts + ttl <= nowSeconds();
}

// Resource ids as the service writes them: base64 with '-' for '/'. The library writes a plain '/' (the 63rd database's
// rid is "gAA/AA==") and reads back only the first '-': the SDK's rid-addressed requests (partition key ranges for a
// query) then hit a path that does not exist and every query on that database fails with 404 "stale cache".
const ResourceId = require(path.join(lib, "lib/account/resource-id")).default;
ResourceId.toBase64String = (buffer) => buffer.toString("base64").replace(/\//g, "-");
ResourceId.fromBase64String = (s) => Buffer.from(s.replace(/-/g, "/"), "base64");

const originalItem = Items.prototype._item;
Items.prototype._item = function item(keyPath, value, partition) {
  const found = originalItem.call(this, keyPath, value, partition);
  if (this._purging) return found;
  const doc = found.read();
  if (doc && isExpired(this, doc)) {
    this._purging = true;
    try { this.delete(doc.id, partition); } finally { this._purging = false; }
    return this._newItem();
  }
  return found;
};

function liveDocuments(items) {
  return [...items._data.values()].map(i => i.read()).filter(d => d && !isExpired(items, d));
}

const originalRead = Items.prototype.read;
Items.prototype.read = function read(options = {}) {
  if (!(this instanceof Documents)) return originalRead.call(this, options);
  if (!this._parent.read()) return null;
  return this._getQuery("SELECT * FROM c").exec(liveDocuments(this), options);
};

// ---------------------------------------------------------------- change feed sequence numbers
let lastLsn = 0;
const originalSet = Items.prototype._set;
Items.prototype._set = function set(data) {
  if (this instanceof Documents && !this._replaying) {
    lastLsn += 1;
    data._lsn = lastLsn;
  }
  return originalSet.call(this, data);
};

// ---------------------------------------------------------------- helpers
function partitionKeyFromHeader(req) {
  const header = req.headers["x-ms-documentdb-partitionkey"];
  if (!header || header === "[{}]") return undefined;
  try {
    const parsed = JSON.parse(Array.isArray(header) ? header[0] : header);
    return Array.isArray(parsed) ? parsed[0] : parsed;
  } catch (e) {
    return undefined;
  }
}

function collectionOf(account, dbId, collId) {
  const database = account.database(dbId);
  if (!database.read()) return null;
  const collection = database.collection(collId);
  return collection.read() ? collection : null;
}

const notFound = res => {
  res.statusCode = 404;
  res.setHeader("x-ms-substatus", "0");
  return { code: "NotFound", message: "Entity with the specified id does not exist in the system." };
};

const isTrue = value => typeof value === "string" && value.toLowerCase() === "true";

// ---------------------------------------------------------------- fixed handlers
function readDocument(account, req, res, { dbId, collId, docId }) {
  const collection = collectionOf(account, dbId, collId);
  if (!collection) return notFound(res);
  const partition = partitionKeyFromHeader(req);
  const doc = collection.document(docId, partition === undefined ? docId : partition).read();
  if (!doc) return notFound(res);
  const pkPath = collection.documents._getPartitionKeyPath();
  if (partition !== undefined && getValue(pkPath, doc) !== partition) return notFound(res);
  if (req.headers["if-none-match"] && req.headers["if-none-match"] === doc._etag) {
    res.statusCode = 304;
    return {};
  }
  return doc;
}

const QUERY_PLAN = {
  partitionedQueryExecutionInfoVersion: 2,
  queryInfo: {
    distinctType: "None",
    top: null,
    offset: null,
    limit: null,
    orderBy: [],
    orderByExpressions: [],
    groupByExpressions: [],
    groupByAliases: [],
    aggregates: [],
    groupByAliasToAggregateType: {},
    rewrittenQuery: "",
    hasSelectValue: false,
    dCountInfo: null,
    hasNonStreamingOrderBy: false
  },
  queryRanges: [{ min: "", max: "FF", isMinInclusive: true, isMaxInclusive: false }]
};

async function queryDocuments(account, req, res, { dbId, collId }) {
  if (isTrue(req.headers["x-ms-cosmos-is-query-plan-request"])) {
    // One physical partition holds everything, so the server can run any query whole: a pass-through plan.
    await readJson(req);
    return QUERY_PLAN;
  }
  return readItems(req, res, "Documents", async ({ continuation, maxItemCount }) => {
    const body = await readJson(req);
    if (!body.query) {
      res.statusCode = 400;
      return { code: "BadRequest", message: "missing query" };
    }
    const collection = collectionOf(account, dbId, collId);
    if (!collection) return null;
    const items = collection.documents;
    const partition = partitionKeyFromHeader(req);
    const pkPath = items._getPartitionKeyPath();
    const data = liveDocuments(items).filter(d => partition === undefined || getValue(pkPath, d) === partition);
    const parent = collection.read();
    const compositeIndexes = (parent.indexingPolicy && parent.indexingPolicy.compositeIndexes) || [];
    try {
      return items._getQuery(body.query).exec(data, {
        parameters: body.parameters,
        udf: items._userDefinedFunctions(),
        maxItemCount,
        continuation,
        compositeIndexes
      });
    } catch (err) {
      res.statusCode = 400;
      return { code: "BadRequest", message: err.message };
    }
  });
}

function readDocumentsOrChangeFeed(account, req, res, params) {
  if (!req.headers["a-im"]) return readDocumentsHandler(account, req, res, params);
  const collection = collectionOf(account, params.dbId, params.collId);
  if (!collection) return notFound(res);
  const items = collection.documents;
  const ifNoneMatch = (req.headers["if-none-match"] || "").replace(/"/g, "");
  let since = 0;
  if (ifNoneMatch === "*") since = lastLsn;
  else if (ifNoneMatch) since = parseInt(ifNoneMatch, 10) || 0;
  const modifiedSince = req.headers["if-modified-since"] ? Date.parse(req.headers["if-modified-since"]) / 1000 : null;
  const partition = partitionKeyFromHeader(req);
  const pkPath = items._getPartitionKeyPath();
  let max = parseInt(req.headers["x-ms-max-item-count"] || "100", 10);
  if (!(max > 0)) max = Number.MAX_SAFE_INTEGER;
  const changes = liveDocuments(items)
    .filter(d => (d._lsn || 0) > since)
    .filter(d => modifiedSince === null || d._ts >= modifiedSince)
    .filter(d => partition === undefined || getValue(pkPath, d) === partition)
    .sort((a, b) => a._lsn - b._lsn)
    .slice(0, max);
  const etag = changes.length ? changes[changes.length - 1]._lsn : Math.max(since, 0);
  res.changeFeedEtag = `"${etag}"`;
  res.setHeader("x-ms-item-count", String(changes.length));
  res.setHeader("lsn", String(lastLsn));
  if (!changes.length) {
    res.statusCode = 304;
    return { Documents: [], _count: 0 };
  }
  return { _rid: collection.read()._rid, Documents: changes, _count: changes.length };
}

const fixedRoutes = createRouter({
  GET: {
    "/dbs/:dbId/colls/:collId/docs/:docId": readDocument,
    "/dbs/:dbId/colls/:collId/docs": readDocumentsOrChangeFeed
  },
  POST_QUERY: {
    "/dbs/:dbId/colls/:collId/docs": queryDocuments
  }
});

// ---------------------------------------------------------------- journal (optional persistence)
let journal = null;

function journalWrite(entry) {
  if (journal !== null) fs.appendFileSync(journal, `${JSON.stringify(entry)}\n`);
}

function replay(account, file) {
  if (!fs.existsSync(file)) return 0;
  const lines = fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
  let applied = 0;
  for (const line of lines) {
    let entry;
    try { entry = JSON.parse(line); } catch (e) { continue; } // a torn last line after a kill
    applyEntry(account, entry);
    applied += 1;
  }
  return applied;
}

function applyEntry(account, entry) {
  if (entry.op === "db") {
    if (!account.database(entry.data.id).read()) account.databases.create(entry.data);
  } else if (entry.op === "dropdb") {
    if (account.database(entry.id).read()) account.databases.delete(entry.id, entry.id);
  } else if (entry.op === "coll") {
    const database = account.database(entry.db);
    if (database.read() && !database.collection(entry.data.id).read()) database.collections.create(entry.data);
  } else if (entry.op === "dropcoll") {
    const database = account.database(entry.db);
    if (database.read() && database.collection(entry.id).read()) database.collections.delete(entry.id, entry.id);
  } else if (entry.op === "doc") {
    const collection = collectionOf(account, entry.db, entry.coll);
    if (!collection) return;
    const items = collection.documents;
    const partition = items._getPartition(entry.data);
    const existing = items._item("/id", entry.data.id, partition).read();
    items._replaying = true;
    try {
      if (existing) items.delete(entry.data.id, partition);
      else items._ridCount += 1;
      items._set(entry.data);
    } finally {
      items._replaying = false;
    }
    lastLsn = Math.max(lastLsn, entry.data._lsn || 0);
  } else if (entry.op === "deldoc") {
    const collection = collectionOf(account, entry.db, entry.coll);
    if (collection && collection.document(entry.id, entry.partition).read()) collection.documents.delete(entry.id, entry.partition);
  }
}

function compact(account, file) {
  const entries = [];
  for (const db of account.databases._data.values()) {
    const dbData = db.read();
    entries.push({ op: "db", data: dbData });
    for (const coll of db.collections._data.values()) {
      const collData = coll.read();
      entries.push({ op: "coll", db: dbData.id, data: collData });
      for (const doc of liveDocuments(coll.documents)) entries.push({ op: "doc", db: dbData.id, coll: collData.id, data: doc });
    }
  }
  const temp = `${file}.tmp`;
  fs.writeFileSync(temp, entries.map(e => `${JSON.stringify(e)}\n`).join(""));
  fs.renameSync(temp, file);
}

// Journals the effect of a successful write, from the route and the stored resource in the answer.
function recordWrite(req, method, pathname, status, body) {
  if (journal === null || status >= 300 || !body) return;
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (method === "POST" && parts.length === 1 && parts[0] === "dbs") journalWrite({ op: "db", data: body });
  else if (method === "DELETE" && parts.length === 2) journalWrite({ op: "dropdb", id: parts[1] });
  else if (method === "POST" && parts.length === 3 && parts[2] === "colls") journalWrite({ op: "coll", db: parts[1], data: body });
  else if (method === "DELETE" && parts.length === 4 && parts[2] === "colls") journalWrite({ op: "dropcoll", db: parts[1], id: parts[3] });
  else if (parts.length >= 5 && parts[4] === "docs") {
    if (method === "DELETE" && parts.length === 6) {
      journalWrite({ op: "deldoc", db: parts[1], coll: parts[3], id: parts[5], partition: partitionKeyFromHeader(req) });
    } else if ((method === "POST" || method === "PUT" || method === "PATCH") && body.id !== undefined && body._rid) {
      journalWrite({ op: "doc", db: parts[1], coll: parts[3], data: body });
    }
  }
}

// ---------------------------------------------------------------- server
let account;

function pathnameOf(req) {
  let pathname = new URL(req.url, "https://localhost").pathname;
  if (pathname.startsWith("//")) pathname = pathname.slice(1);
  while (pathname.length > 1 && pathname.endsWith("/")) pathname = pathname.slice(0, -1);
  return pathname;
}

// A request path the router cannot decode (a malformed percent escape such as %FF%FE) would throw a URIError out
// of the request handler and kill the process, taking every container with it: answer 400 instead.
function routeOf(req) {
  try {
    decodeURIComponent(pathnameOf(req));
    return { route: fixedRoutes(req) || libraryRoutes(req) };
  } catch (err) {
    return { error: err };
  }
}

function handle(req, res) {
  const { route, error } = routeOf(req);
  (async () => {
    let body;
    if (error) {
      res.statusCode = 400;
      body = { code: "BadRequest", message: `malformed request path: ${error.message}` };
    } else if (route) {
      const [params, handler] = route;
      try {
        body = await handler(account, req, res, params);
      } catch (err) {
        console.error(err);
        body = { code: "InternalServerError", message: err.message };
        res.statusCode = 500;
      }
      if (res.statusCode > 399 && body && !body.message) body.message = "";
    } else {
      res.statusCode = 400;
      body = { code: "BadRequest", message: "no route" };
    }
    if (body === null || body === undefined) body = {};
    if (!error) recordWrite(req, req.method, pathnameOf(req), res.statusCode, body);
    if (res.changeFeedEtag) {
      res.setHeader("etag", res.changeFeedEtag);
    } else if (req.headers["a-im"] && res.statusCode === 200) {
      // Incremental feed of partition key ranges: there is one range and it never changes.
      if (req.headers["if-none-match"]) res.statusCode = 304;
      res.setHeader("etag", "1");
    } else if (body._etag) {
      res.setHeader("etag", body._etag);
    }
    res.setHeader("content-type", "application/json");
    res.setHeader("content-location", `https://${req.headers.host}${req.url}`);
    res.setHeader("connection", "keep-alive");
    res.setHeader("x-ms-activity-id", crypto.randomUUID());
    res.setHeader("x-ms-request-charge", "1");
    res.end(res.statusCode === 304 ? undefined : JSON.stringify(body));
  })().catch(err => {
    console.error(err);
    if (!res.writableEnded) {
      res.statusCode = 500;
      res.end("");
    }
  });
}

const server = https.createServer({
  cert: fs.readFileSync(path.join(lib, "cert.pem")),
  key: fs.readFileSync(path.join(lib, "key.pem")),
  keepAlive: true,
  keepAliveTimeout: 60000
}, handle);

server.listen(args.port, args.host, () => {
  const { port } = server.address();
  account = new Account(args.host, port);
  if (args.data) {
    fs.mkdirSync(path.dirname(path.resolve(args.data)), { recursive: true });
    const applied = replay(account, args.data);
    compact(account, args.data);
    journal = args.data;
    if (applied) console.log(`cosmos emulator replayed ${applied} journal entries from ${args.data}`);
  }
  console.log(`cosmos emulator ready on https://${args.host}:${port}/`);
});

const stop = () => { server.close(); server.closeAllConnections(); process.exit(0); };
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
