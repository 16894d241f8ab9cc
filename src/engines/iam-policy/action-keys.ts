/**
 * Which request-context keys exist when IAM authorizes each STS action of an AssumeRole* call.
 *
 * The Service Authorization Reference lists, per action, the service-specific condition keys it
 * supports (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html);
 * global `aws:*` keys (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
 * apply to every action. A key an action does not support is absent when that action is evaluated —
 * the surprising consequence: a statement allowing `sts:TagSession` with a condition on
 * `sts:SourceIdentity` never matches for `sts:TagSession`, and a `sts:SetSourceIdentity` statement
 * cannot test `sts:ExternalId`. Same model as @cloud-copilot/iam-simulate.
 */

const STS_ASSUME_ROLE = new Set([
  'sts:externalid',
  'sts:rolesessionname',
  'sts:sourceidentity',
  'sts:transitivetagkeys',
  'saml:namequalifier',
  'saml:sub',
  'saml:sub_type',
]);
const STS_TAG_SESSION = new Set(['saml:aud', 'sts:transitivetagkeys']);
const STS_SET_SOURCE_IDENTITY = new Set(['sts:sourceidentity']);
const STS_SAML = new Set(['sts:rolesessionname', 'sts:sourceidentity', 'sts:transitivetagkeys']);
const STS_WEB_IDENTITY = new Set([
  'sts:roleauthorizedbyidp',
  'sts:rolesessionname',
  'sts:sourceidentity',
  'sts:transitivetagkeys',
]);

/** An OIDC provider key such as `token.actions.githubusercontent.com:sub` or `accounts.google.com:aud`. */
function isProviderKey(k: string): boolean {
  return !k.startsWith('sts:') && !k.startsWith('saml:') && !k.startsWith('iam:') && !k.startsWith('aws:');
}

/** Is context key `key` present when IAM evaluates `action`? Non-STS actions keep every key. */
export function keyAppliesToAction(action: string, key: string): boolean {
  const k = key.toLowerCase();
  if (k.startsWith('aws:')) return true;
  switch (action.toLowerCase()) {
    case 'sts:assumerole':
      return STS_ASSUME_ROLE.has(k) || k.startsWith('iam:resourcetag/') || isProviderKey(k);
    case 'sts:tagsession':
      return STS_TAG_SESSION.has(k);
    case 'sts:setsourceidentity':
      return STS_SET_SOURCE_IDENTITY.has(k);
    case 'sts:assumerolewithsaml':
      return k.startsWith('saml:') || STS_SAML.has(k);
    case 'sts:assumerolewithwebidentity':
      return isProviderKey(k) || STS_WEB_IDENTITY.has(k);
    default:
      return true;
  }
}
