import type { MonoTypeOperatorFunction } from 'rxjs';
import type { Dict } from '../protocol/dict.js';
import { WampErrors } from '../protocol/errors.js';
import { Codes } from '../protocol/message-table.js';
import { PatternIndex } from '../protocol/pattern-index.js';
import type { Action, PermissionConfig, RoleConfig } from './config.js';
import type { Logger } from './logger.js';
import type { RealmSession } from './realm-session.js';
import { explainedError } from './replies.js';
import type { Routed } from './routed.js';
import { stage } from './stage.js';

/** What an authorizer decides about one action: allowed or not, and whether the session may disclose itself. */
export interface AuthorizationDecision {
  readonly allow: boolean;
  /** May the session disclose itself (CALL / PUBLISH `disclose_me`)? Default true. */
  readonly disclose?: boolean;
}

/**
 * Decides whether a session may perform an action on a URI: the dynamic authorizer hook
 * of a realm (it runs after the static role permissions allowed the action).
 */
export type Authorizer = (session: RealmSession, action: Action, uri: string, options: Dict) => AuthorizationDecision | boolean;

/**
 * The static authorizer of a realm's `roles`: per role, the permission whose URI pattern
 * matches best (exact > longest prefix > wildcard) decides; a role without an entry may
 * do nothing.
 */
export function authorizerFromRoles(roles: readonly RoleConfig[]): Authorizer {
  const byRole = new Map<string, PatternIndex<PermissionConfig>>();
  for (const role of roles) {
    const index = new PatternIndex<PermissionConfig>();
    for (const permission of role.permissions) index.set(permission.uri, permission.match ?? 'exact', permission);
    byRole.set(role.name, index);
  }
  return (session, action, uri) => {
    const permission = byRole.get(session.authrole)?.best(uri)?.value;
    if (permission === undefined || permission.allow?.[action] !== true) return { allow: false };
    const disclose = action === 'call' ? permission.disclose?.caller : action === 'publish' ? permission.disclose?.publisher : undefined;
    return { allow: true, disclose: disclose ?? true };
  };
}

/** What the authorize stage needs. */
export interface AuthorizeContext {
  readonly logger: Logger;
  /** Absent: every session may do everything. */
  readonly roles?: readonly RoleConfig[];
  readonly authorizer?: Authorizer;
}

function decide(authorizer: Authorizer, session: RealmSession, action: Action, uri: string, options: Dict): AuthorizationDecision {
  const decision = authorizer(session, action, uri, options);
  return typeof decision === 'boolean' ? { allow: decision } : decision;
}

/**
 * The authorize stage: PUBLISH, SUBSCRIBE, CALL and REGISTER pass on only when the
 * session's authrole may perform them on their URI (and disclose itself, when it asks
 * to). A refused action gets ERROR `wamp.error.not_authorized` and has no effect; an
 * unacknowledged PUBLISH is dropped silently, as its publisher expects no answer.
 */
export function authorize(context: AuthorizeContext): MonoTypeOperatorFunction<Routed> {
  const checks: Authorizer[] = [];
  if (context.roles !== undefined) checks.push(authorizerFromRoles(context.roles));
  if (context.authorizer !== undefined) checks.push(context.authorizer);
  return stage('authorize', context.logger, (emit) => ({
    handle(routed) {
      if (checks.length === 0 || routed.kind !== 'in') return emit(routed);
      const message = routed.message;
      let action: Action;
      let uri: string;
      let options: Dict;
      let request: number;
      switch (message.code) {
        case Codes.PUBLISH:
          [action, uri, options, request] = ['publish', message.fields.Topic, message.fields.Options, message.fields.Request];
          break;
        case Codes.SUBSCRIBE:
          [action, uri, options, request] = ['subscribe', message.fields.Topic, message.fields.Options, message.fields.Request];
          break;
        case Codes.CALL:
          [action, uri, options, request] = ['call', message.fields.Procedure, message.fields.Options, message.fields.Request];
          break;
        case Codes.REGISTER:
          [action, uri, options, request] = ['register', message.fields.Procedure, message.fields.Options, message.fields.Request];
          break;
        default:
          return emit(routed);
      }
      const session = routed.session;
      const quiet = message.code === Codes.PUBLISH && options['acknowledge'] !== true;
      for (const check of checks) {
        const decision = decide(check, session, action, uri, options);
        if (!decision.allow) {
          context.logger.log('info', 'not_authorized', { session: session.id, authrole: session.authrole, action, uri });
          if (!quiet) emit(explainedError(session, message.code, request, WampErrors.notAuthorized, `authrole '${session.authrole}' may not ${action} '${uri}'`));
          return;
        }
        if (options['disclose_me'] === true && decision.disclose === false) {
          if (!quiet) emit(explainedError(session, message.code, request, WampErrors.discloseMeNotAllowed, `authrole '${session.authrole}' may not disclose itself on '${uri}'`));
          return;
        }
      }
      emit(routed);
    },
  }));
}
