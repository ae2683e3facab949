import { ArmError } from '../armErrors';
import type { MarketplaceImage } from '../computeCatalog';
import type { RequestContext, Route } from '../http';
import type { JsonObject } from '../state';
import { catalogOf } from './computeOffers';
import { subscriptionPath } from './paths';

/*
 * VirtualMachineImages (Microsoft.Compute 2026-04-01, the version @azure/arm-compute 25.1.1 sends
 * there): publishers, offers, SKUs and versions of the marketplace images the subscription's compute
 * catalogue declares (computeCatalog.ts), in every region. The list operations answer a plain JSON
 * array of VirtualMachineImageResource, as their definitions declare (no `value`, no paging).
 *
 * Anything unknown is 404 `NotFound`, "Artifact: VMImage was not found.", as ARM answers a missing
 * SKU or version (Azure/vagrant-azure#147 shows the body; danielsollondon/azvmimagebuilder#80 the
 * same 404 for a versions list with `$orderby=name desc&$top=1`; MicrosoftLearning
 * 20533-ImplementingMicrosoftAzureInfrastructureSolutions#251 for `az vm image list-skus` with a
 * misspelt offer). An unknown publisher's offers are answered "Publisher: <name> was not found."
 * (Azure/azure-cli#6622).
 */

const base = { family: 'compute', namespace: 'Microsoft.Compute' } as const;
const publishersPath = `${subscriptionPath}/providers/Microsoft.Compute/locations/{location}/publishers`;
const offersPath = `${publishersPath}/{publisherName}/artifacttypes/vmimage/offers`;
const skusPath = `${offersPath}/{offer}/skus`;
const versionsPath = `${skusPath}/{skus}/versions`;

const same = (left: string, right: string) => left.toLowerCase() === right.toLowerCase();

function notFound(): ArmError {
  return new ArmError(404, 'NotFound', 'Artifact: VMImage was not found.');
}

/** The id ARM prints for an image artifact: `/Subscriptions/…/Providers/Microsoft.Compute/Locations/…/Publishers/…`, capitalised so. */
function artifactId(context: RequestContext, ...parts: string[]): string {
  const [publisher, offer, sku, version] = parts;
  let id = `/Subscriptions/${context.params.subscriptionId}/Providers/Microsoft.Compute/Locations/${context.params.location.toLowerCase()}/Publishers/${publisher}`;
  if (offer !== undefined) {
    id += `/ArtifactTypes/VMImage/Offers/${offer}`;
  }
  if (sku !== undefined) {
    id += `/Skus/${sku}`;
  }
  if (version !== undefined) {
    id += `/Versions/${version}`;
  }
  return id;
}

function resource(context: RequestContext, name: string, ...parts: string[]): JsonObject {
  return { name, location: context.params.location.toLowerCase(), id: artifactId(context, ...parts) };
}

/** Distinct values in catalogue order, compared without case (the first spelling wins). */
function distinct(values: string[]): string[] {
  const seen = new Map<string, string>();
  for (const value of values) {
    if (!seen.has(value.toLowerCase())) {
      seen.set(value.toLowerCase(), value);
    }
  }
  return [...seen.values()];
}

function imagesOf(context: RequestContext, publisher?: string, offer?: string, sku?: string): MarketplaceImage[] {
  return catalogOf(context).images.filter((image) => (publisher === undefined || same(image.publisher, publisher))
    && (offer === undefined || same(image.offer, offer))
    && (sku === undefined || same(image.sku, sku)));
}

/** Versions compare by their dot-separated numbers (`24.04.202411030` after `24.04.202409120`). */
function compareVersions(left: string, right: string): number {
  const a = left.split('.').map(Number);
  const b = right.split('.').map(Number);
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) {
      return difference;
    }
  }
  return 0;
}

export const virtualMachineImageRoutes: Route[] = [
  {
    ...base,
    resourceType: 'locations/publishers',
    method: 'GET',
    template: publishersPath,
    handle: (context) => ({ status: 200, body: distinct(imagesOf(context).map((image) => image.publisher)).map((publisher) => resource(context, publisher, publisher)) }),
  },
  {
    ...base,
    resourceType: 'locations/publishers/artifacttypes/offers',
    method: 'GET',
    template: offersPath,
    handle: (context) => {
      const images = imagesOf(context, context.params.publisherName);
      if (images.length === 0) {
        throw new ArmError(404, 'NotFound', `Publisher: ${context.params.publisherName} was not found.`);
      }
      const publisher = images[0].publisher;
      return { status: 200, body: distinct(images.map((image) => image.offer)).map((offer) => resource(context, offer, publisher, offer)) };
    },
  },
  {
    ...base,
    resourceType: 'locations/publishers/artifacttypes/offers/skus',
    method: 'GET',
    template: skusPath,
    handle: (context) => {
      const images = imagesOf(context, context.params.publisherName, context.params.offer);
      if (images.length === 0) {
        throw notFound();
      }
      const { publisher, offer } = images[0];
      return { status: 200, body: distinct(images.map((image) => image.sku)).map((sku) => resource(context, sku, publisher, offer, sku)) };
    },
  },
  {
    ...base,
    resourceType: 'locations/publishers/artifacttypes/offers/skus/versions',
    method: 'GET',
    template: versionsPath,
    handle: (context) => {
      const [image] = imagesOf(context, context.params.publisherName, context.params.offer, context.params.skus);
      if (!image) {
        throw notFound();
      }
      // `$orderby=name desc` and `$top` are how clients find the newest version (azvmimagebuilder#80 above).
      const orderBy = context.query.get('$orderby');
      if (orderBy !== null && !/^\s*name(\s+(asc|desc))?\s*$/i.test(orderBy)) {
        throw new ArmError(400, 'InvalidParameter', `The value '${orderBy}' of parameter '$orderby' is not supported. Only ordering by name is supported.`, { target: '$orderby' });
      }
      const versions = [...image.versions].sort(compareVersions);
      if (orderBy !== null && /desc\s*$/i.test(orderBy)) {
        versions.reverse();
      }
      const topText = context.query.get('$top');
      const top = topText === null ? versions.length : Number(topText);
      if (!Number.isInteger(top) || top < 0) {
        throw new ArmError(400, 'InvalidParameter', `The value '${topText}' of parameter '$top' is not valid.`, { target: '$top' });
      }
      return { status: 200, body: versions.slice(0, top).map((version) => resource(context, version, image.publisher, image.offer, image.sku, version)) };
    },
  },
  {
    ...base,
    resourceType: 'locations/publishers/artifacttypes/offers/skus/versions',
    method: 'GET',
    template: `${versionsPath}/{version}`,
    handle: (context) => {
      const [image] = imagesOf(context, context.params.publisherName, context.params.offer, context.params.skus);
      const version = image?.versions.find((candidate) => same(candidate, context.params.version));
      if (!image || !version) {
        throw notFound();
      }
      return {
        status: 200,
        body: {
          ...resource(context, version, image.publisher, image.offer, image.sku, version),
          properties: {
            osDiskImage: { operatingSystem: image.osType },
            hyperVGeneration: image.hyperVGeneration ?? 'V1',
            architecture: 'x64',
            automaticOSUpgradeProperties: { automaticOSUpgradeSupported: false },
            dataDiskImages: [],
          },
        },
      };
    },
  },
];
