import { endpoint } from "../lib/http/endpoint.js";
import { BadRequest } from "../lib/http/errors.js";
import {
  idList,
  LIMITS,
  optionalLine,
  optionalShow,
  optionalText,
  optionalUrl,
  type Params,
  requiredDomain,
  requiredId,
  requiredText,
} from "../lib/http/fields.js";
import { goOnline, type Identity } from "../lib/im/online.js";

const given = (params: Params, name: string) => params[name] !== undefined && params[name] !== "";

function identityOf(params: Params): Identity {
  // Two ways of signing in at once, or half of one, is a mistake to name rather than guess around.
  if (given(params, "username") && given(params, "token")) {
    throw new BadRequest("give either username and password or token, not both");
  }
  if (given(params, "password") && !given(params, "username")) throw new BadRequest("username is required");
  if (given(params, "username")) {
    return { kind: "agent", username: requiredId(params, "username"), password: requiredText(params, "password", 256) };
  }
  const token = optionalText(params, "token", 4096);
  if (token !== undefined) return { kind: "site-token", token };
  return {
    kind: "visitor",
    visitorToken: optionalText(params, "visitor_token", LIMITS.token),
    nick: optionalLine(params, "nick", LIMITS.nick),
  };
}

export const handler = endpoint(async (call) => {
  const { params } = call;
  return goOnline(call, {
    domain: requiredDomain(params),
    identity: identityOf(params),
    show: optionalShow(params),
    buddyIds: idList(params, "buddy_ids", 100),
    whereabouts: {
      url: optionalUrl(params, "visitor_url"),
      referrer: optionalUrl(params, "visitor_referrer"),
      userAgent: call.userAgent?.slice(0, LIMITS.url),
    },
    server: call.url("/webim/packets"),
  });
});
