import { describe, expect, it } from "vitest";
import { BadRequest } from "../../lib/http/errors.js";
import {
  checkId,
  idList,
  LIMITS,
  optionalInteger,
  optionalLine,
  optionalShow,
  optionalSince,
  optionalText,
  type Params,
  peerId,
  requiredDomain,
  requiredId,
  requiredInteger,
  requiredLine,
  requiredText,
  SHOWS,
  unicastType,
} from "../../lib/http/fields.js";

/** Runs `act`, which must throw a BadRequest; returns its message. */
function badRequestOf(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequest);
    return (error as BadRequest).message;
  }
  throw new Error("expected a BadRequest, nothing was thrown");
}

describe("text that must be Unicode, and one line", () => {
  it("refuses half of a surrogate pair, which only a JSON body can carry", () => {
    expect(badRequestOf(() => optionalText({ body: "x\ud800y" }, "body", 100))).toBe("body must be valid Unicode text");
  });

  it("takes a whole surrogate pair (an emoji)", () => {
    expect(optionalText({ body: "hi \u{1f600}" }, "body", 100)).toBe("hi \u{1f600}");
  });

  it.each(["two\nlines", "tab\there", "carriage\rreturn"])("refuses %j in a one-line field", (given) => {
    expect(badRequestOf(() => optionalLine({ nick: given }, "nick", 64))).toBe("nick must be one line");
    expect(badRequestOf(() => requiredLine({ nick: given }, "nick", 64))).toBe("nick must be one line");
  });

  it("lets a body have line breaks, and a one-line field say what is missing", () => {
    expect(optionalText({ body: "two\nlines" }, "body", 100)).toBe("two\nlines");
    expect(requiredLine({ nick: "Ada" }, "nick", 64)).toBe("Ada");
    expect(badRequestOf(() => requiredLine({}, "nick", 64))).toBe("nick is required");
    expect(badRequestOf(() => requiredLine({ nick: "  " }, "nick", 64))).toBe("nick must not be blank");
  });

  it("refuses a name that shows nothing, or that turns the text after it around", () => {
    expect(badRequestOf(() => optionalLine({ nick: "\u200b\u200d " }, "nick", 64))).toBe("nick must not be blank");
    expect(badRequestOf(() => optionalLine({ nick: "Ann\u202Egro" }, "nick", 64))).toBe(
      "nick must not contain text direction controls",
    );
    expect(badRequestOf(() => optionalLine({ status: "\u2067away" }, "status", 64))).toBe(
      "status must not contain text direction controls",
    );
    // Right-to-left scripts and emoji sequences (joined by U+200D) are names like any other.
    expect(optionalLine({ nick: "\u05e9\u05e8\u05d4" }, "nick", 64)).toBe("\u05e9\u05e8\u05d4");
    expect(optionalLine({ nick: "\u{1F469}\u200D\u{1F4BB} Ada" }, "nick", 64)).toBe("\u{1F469}\u200D\u{1F4BB} Ada");
  });
});

describe("requiredText and optionalText", () => {
  it.each([
    { given: "hello", expected: "hello" },
    { given: "é".repeat(10), expected: "é".repeat(10) },
  ])("return $given when it is within the limit", ({ given, expected }) => {
    // Prepare
    const params: Params = { nick: given };

    // Act
    const required = requiredText(params, "nick", 10);
    const optional = optionalText(params, "nick", 10);

    // Assess
    expect(required).toBe(expected);
    expect(optional).toBe(expected);
  });

  it.each([
    { what: "absent", params: {} },
    { what: "empty", params: { nick: "" } },
  ])("optionalText takes a value that is $what as not given", ({ params }) => {
    expect(optionalText(params, "nick", 10)).toBeUndefined();
  });

  it.each([
    { what: "absent", params: {} },
    { what: "empty", params: { nick: "" } },
  ])("requiredText refuses a value that is $what, naming the field", ({ params }) => {
    expect(badRequestOf(() => requiredText(params, "nick", 10))).toBe("nick is required");
  });

  it.each([
    { rule: "requiredText", read: (params: Params) => requiredText(params, "nick", 10) },
    { rule: "optionalText", read: (params: Params) => optionalText(params, "nick", 10) },
  ])("$rule refuses one character over the limit, naming the field and the limit", ({ read }) => {
    // Prepare
    const params: Params = { nick: "x".repeat(11) };

    // Act
    const message = badRequestOf(() => read(params));

    // Assess
    expect(message).toBe("nick is longer than 10 characters");
  });
});

describe("ids", () => {
  it.each(["alice", "vid:Ab3_-x", "a.b@example.com", "!$%&'()*+-./:;<=>?@[]^_`{|}~", "x".repeat(LIMITS.id)])(
    "accepts %j",
    (id) => {
      expect(checkId("to", id)).toBe(id);
      expect(requiredId({ to: id }, "to")).toBe(id);
    },
  );

  it.each([
    { what: "a '#' (the key separator)", id: "a#b" },
    { what: "a ',' (the list separator)", id: "a,b" },
    { what: "a space", id: "a b" },
    { what: "a tab", id: "a\tb" },
    { what: "a newline", id: "a\nb" },
    { what: "non-ASCII letters", id: "josé" },
    { what: "an emoji", id: "a😀" },
    { what: "a DEL", id: "a\x7f" },
  ])("refuses an id with $what", ({ id }) => {
    expect(badRequestOf(() => requiredId({ to: id }, "to"))).toBe("to must be printable ASCII without spaces, '#' or ','");
  });

  it("refuses an id of 65 characters", () => {
    expect(badRequestOf(() => requiredId({ to: "x".repeat(LIMITS.id + 1) }, "to"))).toBe("to is longer than 64 characters");
  });

  it("requires the id", () => {
    expect(badRequestOf(() => requiredId({}, "to"))).toBe("to is required");
  });
});

describe("idList", () => {
  it("splits a comma list, trims each id and drops duplicates and empty entries", () => {
    // Prepare
    const params: Params = { ids: " alice, bob,,alice ,carol," };

    // Act
    const ids = idList(params, "ids", 3);

    // Assess
    expect(ids).toEqual(["alice", "bob", "carol"]);
  });

  it.each([{ params: {} }, { params: { ids: "" } }, { params: { ids: "  " } }])("is empty for %j", ({ params }) => {
    expect(idList(params, "ids", 3)).toEqual([]);
  });

  it("counts ids after dropping duplicates", () => {
    expect(idList({ ids: "a,b,a,b,a" }, "ids", 2)).toEqual(["a", "b"]);
  });

  it("refuses more than max distinct ids", () => {
    expect(badRequestOf(() => idList({ ids: "a,b,c" }, "ids", 2))).toBe("ids lists more than 2 ids");
  });

  it.each(["a,b#c", "a,josé", "a,".concat("x".repeat(65))])("checks each id of %j", (ids) => {
    expect(badRequestOf(() => idList({ ids }, "ids", 5))).toMatch(/^ids /);
  });
});

describe("requiredDomain", () => {
  it.each([
    { given: "example.com", expected: "example.com" },
    { given: "Shop.Example.COM", expected: "shop.example.com" },
    { given: "localhost", expected: "localhost" },
    { given: "a-b.c1.io", expected: "a-b.c1.io" },
    { given: `${"a".repeat(63)}.com`, expected: `${"a".repeat(63)}.com` },
  ])("takes $given as $expected", ({ given, expected }) => {
    expect(requiredDomain({ domain: given })).toBe(expected);
  });

  it.each([
    { what: "a scheme", domain: "https://example.com" },
    { what: "a path", domain: "example.com/x" },
    { what: "a port", domain: "example.com:443" },
    { what: "a leading hyphen", domain: "-example.com" },
    { what: "a label ending in a hyphen", domain: "example-.com" },
    { what: "an empty label", domain: "example..com" },
    { what: "a trailing dot", domain: "example.com." },
    { what: "a label of 64 characters", domain: `${"a".repeat(64)}.com` },
    { what: "a space", domain: "exa mple.com" },
    { what: "a '#'", domain: "example.com#x" },
    { what: "non-ASCII letters", domain: "exämple.com" },
  ])("refuses a domain with $what", ({ domain }) => {
    expect(badRequestOf(() => requiredDomain({ domain }))).toBe("domain must be a host name such as example.com");
  });

  it.each([
    { length: 253, accepted: true },
    { length: 254, accepted: false },
  ])("takes a domain of $length characters, each label legal: $accepted", ({ length, accepted }) => {
    // Prepare: three labels of 63 characters and a last one that makes up the length.
    const domain = [...Array(3).fill("a".repeat(63)), "b".repeat(length - 3 * 64)].join(".");
    expect(domain.length).toBe(length);

    // Act
    const read = () => requiredDomain({ domain });

    // Assess
    if (accepted) expect(read()).toBe(domain);
    else expect(badRequestOf(read)).toBe("domain is longer than 253 characters");
  });

  it("requires the domain", () => {
    expect(badRequestOf(() => requiredDomain({}))).toBe("domain is required");
  });
});

describe("optionalShow", () => {
  it.each(SHOWS)("accepts %s", (show) => {
    expect(optionalShow({ show })).toBe(show);
  });

  it.each([{ params: {} }, { params: { show: "" } }])("is undefined for %j", ({ params }) => {
    expect(optionalShow(params)).toBeUndefined();
  });

  it.each(["busy", "Away", "typing", " away"])("refuses %j", (show) => {
    expect(badRequestOf(() => optionalShow({ show }))).toBe("show must be one of available, away, chat, dnd, invisible");
  });
});

describe("unicastType", () => {
  it("accepts unicast", () => {
    expect(unicastType({ type: "unicast" })).toBe("unicast");
  });

  it.each([
    { params: { type: "multicast" }, error: "type must be unicast" },
    { params: { type: "Unicast" }, error: "type must be unicast" },
    { params: {}, error: "type is required" },
  ])("refuses $params.type", ({ params, error }) => {
    expect(badRequestOf(() => unicastType(params))).toBe(error);
  });
});

describe("integers", () => {
  it.each([
    { raw: "0", expected: 0 },
    { raw: "42", expected: 42 },
    { raw: "100", expected: 100 },
    { raw: "007", expected: 7 },
  ])("reads $raw as $expected", ({ raw, expected }) => {
    expect(optionalInteger({ limit: raw }, "limit", 0, 100)).toBe(expected);
    expect(requiredInteger({ limit: raw }, "limit", 0, 100)).toBe(expected);
  });

  it("reads a negative integer when the range allows it", () => {
    expect(optionalInteger({ n: "-5" }, "n", -10, 10)).toBe(-5);
  });

  it.each(["1e3", "-1", "12.5", "101", "0x10", " 5", "5 ", "abc", "+5", "9007199254740993"])("refuses %j", (raw) => {
    expect(badRequestOf(() => optionalInteger({ limit: raw }, "limit", 0, 100))).toBe("limit must be an integer from 0 to 100");
  });

  it.each([{ params: {} }, { params: { limit: "" } }])(
    "optionalInteger is undefined and requiredInteger refuses for %j",
    ({ params }) => {
      expect(optionalInteger(params, "limit", 0, 100)).toBeUndefined();
      expect(badRequestOf(() => requiredInteger(params, "limit", 0, 100))).toBe("limit is required");
    },
  );

  it("refuses an integer beyond the safe range even when the range allows it", () => {
    const max = Number.MAX_SAFE_INTEGER;
    expect(optionalInteger({ n: String(max) }, "n", 0, max)).toBe(max);
    expect(badRequestOf(() => optionalInteger({ n: "9007199254740993" }, "n", 0, max))).toBe(
      `n must be an integer from 0 to ${max}`,
    );
  });

  it("refuses more than 20 characters before reading them", () => {
    expect(badRequestOf(() => optionalInteger({ limit: "1".repeat(21) }, "limit", 0, 100))).toBe(
      "limit is longer than 20 characters",
    );
  });
});

describe("peerId", () => {
  it.each([
    { what: "id", params: { id: "alice" }, expected: "alice" },
    { what: "the seed's ids", params: { ids: "alice" }, expected: "alice" },
    { what: "ids naming one id twice", params: { ids: "alice,alice" }, expected: "alice" },
    { what: "id when ids is also given", params: { id: "alice", ids: "bob" }, expected: "alice" },
  ])("reads $what", ({ params, expected }) => {
    expect(peerId(params)).toBe(expected);
  });

  it.each([
    { what: "neither id nor ids", params: {}, error: "id is required" },
    { what: "an empty ids", params: { ids: "" }, error: "id is required" },
    { what: "ids naming two peers", params: { ids: "alice,bob" }, error: "ids lists more than 1 ids" },
    { what: "an id with '#'", params: { id: "a#b" }, error: "id must be printable ASCII without spaces, '#' or ','" },
    { what: "ids with '#'", params: { ids: "a#b" }, error: "ids must be printable ASCII without spaces, '#' or ','" },
  ])("refuses $what", ({ params, error }) => {
    expect(badRequestOf(() => peerId(params))).toBe(error);
  });
});

describe("optionalSince", () => {
  const now = 1_800_000_000_000;

  it("reads a packet id as it is, and a time as everything after that millisecond", () => {
    expect(optionalSince({ since: "1799999999000#abc_-1" }, now)).toBe("1799999999000#abc_-1");
    expect(optionalSince({ since: "1799999999000" }, now)).toBe("1799999999000~");
    expect(optionalSince({ since: "0" }, now)).toBe("0000000000000~");
    expect(optionalSince({}, now)).toBeUndefined();
  });

  it("refuses a since from the future, which would skip every packet up to it", () => {
    expect(() => optionalSince({ since: "4000000000000" }, now)).toThrow(new BadRequest("since must not be in the future"));
    expect(() => optionalSince({ since: `${now + 60_000}#abc` }, now)).toThrow(BadRequest);
    // A few seconds ahead is another host's clock, not a mistake.
    expect(optionalSince({ since: String(now + 5_000) }, now)).toBe(`${now + 5_000}~`);
  });

  it("refuses anything else", () => {
    expect(() => optionalSince({ since: "yesterday" }, now)).toThrow(BadRequest);
    expect(() => optionalSince({ since: "12345678901234" }, now)).toThrow(BadRequest);
  });
});
