import { ArmError, invalidRequest } from '../armErrors';
import type { Route } from '../http';
import { asObject, type ArmResource } from '../state';
import { types } from '../types';
import { bodyProperties, childId, findChild, requireChild, requireString, requireTop, startDelete, startPut, view } from './common';
import { networkPath } from './paths';

const base = { family: 'network', resourceType: 'networkWatchers/packetCaptures', namespace: 'Microsoft.Network' } as const;
const capturesPath = `${networkPath}/networkWatchers/{networkWatcherName}/packetCaptures`;

/** Capture progress: running from creation until stopped or until its time limit passes. */
function captureStatus(capture: ArmResource, now = Date.now()): Record<string, unknown> {
  const started = typeof capture.captureStartTime === 'string' ? Date.parse(capture.captureStartTime) : now;
  const limit = Number(capture.properties.timeLimitInSeconds ?? 18000);
  let status = capture.properties.provisioningState === 'Succeeded' ? 'Running' : 'NotStarted';
  let stopReason = '';
  if (capture.stoppedBy === 'user') {
    status = 'Stopped';
    stopReason = 'Manual';
  } else if (status === 'Running' && limit > 0 && now - started >= limit * 1000) {
    status = 'Stopped';
    stopReason = 'TimeExceeded';
  }
  return {
    name: capture.name,
    id: capture.id,
    captureStartTime: new Date(started).toISOString(),
    packetCaptureStatus: status,
    stopReason,
    packetCaptureError: [],
  };
}

function hideRuntimeFields(capture: ArmResource): ArmResource {
  const copy = { ...capture };
  delete copy.captureStartTime;
  delete copy.stoppedBy;
  return copy;
}

export const packetCaptureRoutes: Route[] = [
  {
    ...base,
    method: 'GET',
    template: capturesPath,
    // PacketCaptures_List declares no paging (nextLinkName: null).
    handle: (context) => {
      const watcher = requireTop(context, types.networkWatcher, 'networkWatcherName');
      return { status: 200, body: { value: context.core.state.list(types.packetCapture, watcher.id).map((capture) => hideRuntimeFields(view(capture, context))) } };
    },
  },
  {
    ...base,
    method: 'GET',
    template: `${capturesPath}/{packetCaptureName}`,
    handle: (context) => {
      const watcher = requireTop(context, types.networkWatcher, 'networkWatcherName');
      return { status: 200, body: hideRuntimeFields(view(requireChild(context, watcher, types.packetCapture, 'packetCaptureName'), context)) };
    },
  },
  {
    ...base,
    method: 'PUT',
    template: `${capturesPath}/{packetCaptureName}`,
    handle: (context) => {
      const { state } = context.core;
      const watcher = requireTop(context, types.networkWatcher, 'networkWatcherName');
      const existing = findChild(context, watcher, types.packetCapture, 'packetCaptureName');
      const id = childId(watcher, types.packetCapture, context.params.packetCaptureName);
      if (existing) {
        throw new ArmError(409, 'PacketCaptureAlreadyExists', `Packet capture ${existing.id} already exists. Delete it before creating another one with the same name.`);
      }
      const properties = bodyProperties(context);
      requireString(properties, 'target', id);
      const storageLocation = asObject(properties.storageLocation);
      if (typeof storageLocation.storageId !== 'string' && typeof storageLocation.filePath !== 'string' && typeof storageLocation.localPath !== 'string') {
        throw invalidRequest('InvalidRequestFormat', `Cannot parse the request. Packet capture ${id} needs storageLocation.storageId or storageLocation.filePath.`);
      }
      if (typeof storageLocation.storageId === 'string' && !state.getTyped(types.storageAccount, storageLocation.storageId)) {
        throw invalidRequest('InvalidResourceReference', `Resource ${storageLocation.storageId} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`);
      }
      const resource: ArmResource = {
        id,
        name: context.params.packetCaptureName,
        type: types.packetCapture,
        properties: {
          bytesToCapturePerPacket: 0,
          totalBytesPerSession: 1073741824,
          timeLimitInSeconds: 18000,
          filters: [],
          ...properties,
        },
      };
      return startPut(context, resource, {
        existed: false,
        onSucceeded: () => {
          resource.captureStartTime = new Date().toISOString();
        },
      });
    },
  },
  {
    ...base,
    method: 'DELETE',
    template: `${capturesPath}/{packetCaptureName}`,
    handle: (context) => {
      const watcher = requireTop(context, types.networkWatcher, 'networkWatcherName');
      return startDelete(context, findChild(context, watcher, types.packetCapture, 'packetCaptureName'));
    },
  },
  {
    ...base,
    method: 'POST',
    template: `${capturesPath}/{packetCaptureName}/queryStatus`,
    handle: (context) => {
      const watcher = requireTop(context, types.networkWatcher, 'networkWatcherName');
      return { status: 200, body: captureStatus(requireChild(context, watcher, types.packetCapture, 'packetCaptureName')) };
    },
  },
  {
    ...base,
    method: 'POST',
    template: `${capturesPath}/{packetCaptureName}/stop`,
    handle: (context) => {
      const watcher = requireTop(context, types.networkWatcher, 'networkWatcherName');
      const capture = requireChild(context, watcher, types.packetCapture, 'packetCaptureName');
      capture.stoppedBy = 'user';
      return { status: 200, body: {} };
    },
  },
];
