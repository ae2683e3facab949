import { ArmError } from './armErrors';
import type { ArmState } from './state';

/**
 * `If-Match` and `If-None-Match` on a PUT or DELETE of a network resource, answered as the network
 * resource provider answers them: 412 `PreconditionFailed`, "Precondition failed.", with a detail
 * `PreconditionFailedEtagMismatch` naming both etags and the resource (public answers quoted in
 * kubernetes-sigs/cloud-provider-azure#9729 and kubernetes-sigs/cluster-api-provider-azure#682).
 * `If-Match: *` matches any existing resource; `If-None-Match: *` matches only an absent one.
 * The details for those two cases (`PreconditionFailedResourceNotFound`,
 * `PreconditionFailedResourceExists`) are not confirmed against a public answer.
 */
export function checkPreconditions(state: ArmState, path: string, headers: Record<string, string | string[] | undefined>): void {
  const ifMatch = headerValue(headers['if-match']);
  const ifNoneMatch = headerValue(headers['if-none-match']);
  if (ifMatch === undefined && ifNoneMatch === undefined) {
    return;
  }
  const resource = state.get(path);
  const id = resource?.id ?? path;
  if (ifMatch !== undefined) {
    const wanted = etagList(ifMatch);
    if (!resource) {
      throw preconditionFailed('PreconditionFailedResourceNotFound', `Etag provided in if-match header ${ifMatch} does not match any resource: resource ${id} does not exist.`);
    }
    if (!wanted.includes('*') && !wanted.includes(resource.etag ?? '')) {
      throw preconditionFailed('PreconditionFailedEtagMismatch', `Etag provided in if-match header ${ifMatch} does not match etag ${resource.etag ?? '(none)'} of resource ${id}.`);
    }
  }
  if (ifNoneMatch !== undefined && resource) {
    const unwanted = etagList(ifNoneMatch);
    if (unwanted.includes('*') || unwanted.includes(resource.etag ?? '')) {
      throw preconditionFailed('PreconditionFailedResourceExists', `If-none-match header ${ifNoneMatch} is not satisfied: resource ${id} already exists with etag ${resource.etag ?? '(none)'}.`);
    }
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value.join(',') : value;
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

/** `W/"a", "b"` → [`W/"a"`, `"b"`]; `*` → [`*`]. */
function etagList(value: string): string[] {
  return value.split(/,(?=\s*(?:W\/)?"|\s*\*)/).map((part) => part.trim()).filter((part) => part !== '');
}

function preconditionFailed(detailCode: string, message: string): ArmError {
  return new ArmError(412, 'PreconditionFailed', 'Precondition failed.', { details: [{ code: detailCode, message }] });
}
