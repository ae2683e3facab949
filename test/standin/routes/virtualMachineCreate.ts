import { randomUUID } from 'node:crypto';
import { ArmError } from '../armErrors';
import { findSize, isOffered, quotaIn, type ComputeCatalog, type MarketplaceImage } from '../computeCatalog';
import type { Reply, RequestContext, Route } from '../http';
import { asObject, type ArmResource, type JsonObject } from '../state';
import { types } from '../types';
import { requireResourceGroup } from './common';
import { forgetNetworkInterface } from './networkInterfaceWrites';
import { catalogOf, vCpusInUse } from './computeOffers';
import { setPowerState, stableHex, startComputeOperation, vmPath, vmView } from './virtualMachines';

const base = { family: 'compute', resourceType: 'virtualMachines', namespace: 'Microsoft.Compute' } as const;

function invalidParameter(message: string, target: string): ArmError {
  return new ArmError(400, 'InvalidParameter', message, { target });
}

/**
 * The marketplace image a platform `imageReference` names, with `latest` resolved to the newest
 * version. Compute answers 404 `PlatformImageNotFound` with target `imageReference` for an image
 * that does not exist (seen in hashicorp/packer#10600 and clear-code/firefox-support-common#31).
 */
function resolveImage(catalog: ComputeCatalog, reference: JsonObject, region: string): { image: MarketplaceImage; version: string } {
  if (typeof reference.id === 'string' && reference.id !== '') {
    throw new ArmError(404, 'ImageNotFound', `The Image '${reference.id}' cannot be found in '${region}' region.`, { target: 'imageReference' });
  }
  const field = (name: string) => String(reference[name] ?? '');
  const urn = `${field('publisher')}:${field('offer')}:${field('sku')}:${field('version') || 'latest'}`;
  const notFound = new ArmError(404, 'PlatformImageNotFound', `The platform image '${urn}' is not available. Verify that all fields in the storage profile are correct. For more details about storage profile information, please refer to https://aka.ms/storageprofile`, { target: 'imageReference' });
  const image = catalog.images.find((candidate) => candidate.publisher.toLowerCase() === field('publisher').toLowerCase()
    && candidate.offer.toLowerCase() === field('offer').toLowerCase()
    && candidate.sku.toLowerCase() === field('sku').toLowerCase());
  if (!image) {
    throw notFound;
  }
  const wanted = field('version') || 'latest';
  if (wanted.toLowerCase() === 'latest') {
    return { image, version: image.versions[image.versions.length - 1] };
  }
  if (!image.versions.includes(wanted)) {
    throw notFound;
  }
  return { image, version: wanted };
}

/** Reads one SSH wire-format string (uint32 length, then bytes) at `offset`. */
function sshString(blob: Buffer, offset: number): { value: Buffer; next: number } | undefined {
  if (offset + 4 > blob.length) {
    return undefined;
  }
  const length = blob.readUInt32BE(offset);
  if (offset + 4 + length > blob.length) {
    return undefined;
  }
  return { value: blob.subarray(offset + 4, offset + 4 + length), next: offset + 4 + length };
}

/**
 * Whether `keyData` is an OpenSSH public key Azure takes: `ssh-rsa` of at least 2048 bits (as the
 * definition of SshPublicKey.keyData says), `ssh-ed25519`, or `ecdsa-sha2-nistp256/384/521`, whose
 * base64 blob starts with the same type name.
 */
export function isValidSshPublicKey(keyData: string): boolean {
  const parts = keyData.trim().split(/\s+/);
  if (parts.length < 2 || !/^[A-Za-z0-9+/]+={0,2}$/.test(parts[1])) {
    return false;
  }
  const type = parts[0];
  if (!['ssh-rsa', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521'].includes(type)) {
    return false;
  }
  const blob = Buffer.from(parts[1], 'base64');
  const name = sshString(blob, 0);
  if (!name || name.value.toString('latin1') !== type) {
    return false;
  }
  if (type === 'ssh-rsa') {
    const exponent = sshString(blob, name.next);
    const modulus = exponent && sshString(blob, exponent.next);
    if (!modulus) {
      return false;
    }
    const bytes = modulus.value[0] === 0 ? modulus.value.subarray(1) : modulus.value;
    return bytes.length * 8 >= 2048;
  }
  if (type === 'ssh-ed25519') {
    const key = sshString(blob, name.next);
    return key?.value.length === 32;
  }
  const curve = sshString(blob, name.next);
  return curve !== undefined && `ecdsa-sha2-${curve.value.toString('latin1')}` === type && sshString(blob, curve.next) !== undefined;
}

/**
 * The Linux OS profile rules Compute applies on create: SSH keys parse (InvalidParameter, "The value
 * of parameter linuxConfiguration.ssh.publicKeys.keyData is invalid.", as in Azure/azure-cli#22725
 * and MicrosoftDocs/azure-docs#27848), keys go to the admin user's authorized_keys, some way to
 * sign in is enabled, no password when password sign-in is off, and customData is base64 of at most
 * 65,535 bytes (the limit ComputeRP.json states for OSProfile.customData).
 */
function checkOsProfile(osProfile: JsonObject): void {
  const adminUsername = String(osProfile.adminUsername ?? '');
  if (adminUsername === '') {
    throw invalidParameter("Required parameter 'osProfile.adminUsername' is missing (null).", 'osProfile.adminUsername');
  }
  if (typeof osProfile.customData === 'string') {
    const text = osProfile.customData;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0 || Buffer.from(text, 'base64').length > 65535) {
      throw invalidParameter('Custom data in OSProfile must be in Base64 encoding and with a maximum length of 87380 characters.', 'customData');
    }
  }
  if (osProfile.windowsConfiguration !== undefined) {
    return;
  }
  const linux = asObject(osProfile.linuxConfiguration);
  const passwordDisabled = linux.disablePasswordAuthentication === true;
  const keys = Array.isArray(asObject(linux.ssh).publicKeys) ? (asObject(linux.ssh).publicKeys as JsonObject[]) : [];
  for (const key of keys) {
    if (typeof key.keyData !== 'string' || !isValidSshPublicKey(key.keyData)) {
      throw invalidParameter('The value of parameter linuxConfiguration.ssh.publicKeys.keyData is invalid.', 'linuxConfiguration.ssh.publicKeys.keyData');
    }
    const expected = `/home/${adminUsername}/.ssh/authorized_keys`;
    if (key.path !== undefined && key.path !== expected) {
      throw invalidParameter(`Destination path for SSH public keys is currently limited to its default value ${expected} due to a known issue in Linux provisioning agent.`, 'linuxConfiguration.ssh.publicKeys.path');
    }
  }
  const hasPassword = typeof osProfile.adminPassword === 'string' && osProfile.adminPassword !== '';
  if (passwordDisabled && keys.length === 0) {
    throw invalidParameter('Authentication using either SSH or by user name and password must be enabled in Linux profile.', 'linuxConfiguration');
  }
  if (passwordDisabled && hasPassword) {
    throw invalidParameter("Parameter 'adminPassword' is not allowed when 'linuxConfiguration.disablePasswordAuthentication' is true.", 'adminPassword');
  }
  if (!passwordDisabled && !hasPassword) {
    throw invalidParameter("Required parameter 'adminPassword' is missing (null).", 'adminPassword');
  }
}

/**
 * The NICs a VM names: each must exist, be in the VM's region, and not belong to another VM; a NIC
 * with accelerated networking needs a size that supports it (`VMSizeIsNotPermittedToEnableAcceleratedNetworking`,
 * worded as in Azure/azure-cli#19182; https://learn.microsoft.com/azure/virtual-network/accelerated-networking-overview
 * lists the supported sizes).
 */
function requireNics(context: RequestContext, vmId: string, region: string, references: JsonObject[], size: { name: string; acceleratedNetworking: boolean }): ArmResource[] {
  if (references.length === 0) {
    throw invalidParameter('At least one network interface is required for the virtual machine.', 'networkProfile.networkInterfaces');
  }
  return references.map((reference) => {
    const nicId = String(reference.id ?? '');
    const nic = context.core.state.getTyped(types.networkInterface, nicId);
    if (!nic || String(nic.location).toLowerCase() !== region.toLowerCase()) {
      throw new ArmError(400, 'InvalidResourceReference', `Resource ${nicId} referenced by resource ${vmId} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`, { details: [] });
    }
    const owner = asObject(nic.properties.virtualMachine).id;
    if (typeof owner === 'string' && owner.toLowerCase() !== vmId.toLowerCase()) {
      throw new ArmError(409, 'NicInUse', `Network Interface ${nic.id} is used by existing VM ${owner}.`, { target: 'networkProfile.networkInterfaces' });
    }
    if (nic.properties.enableAcceleratedNetworking === true && !size.acceleratedNetworking) {
      throw new ArmError(400, 'VMSizeIsNotPermittedToEnableAcceleratedNetworking', `Virtual machine ${vmId} has size ${size.name}, which is not compatible with enabling accelerated networking on network interface(s) on the VM. Compatible VM sizes: ${acceleratedSizes(context).join(', ')}`);
    }
    return nic;
  });
}

function acceleratedSizes(context: RequestContext): string[] {
  return catalogOf(context).sizes.filter((size) => size.acceleratedNetworking).map((size) => size.name);
}

/**
 * vCPU quota, regional then per family, counting allocated and deallocated VMs
 * (https://learn.microsoft.com/azure/virtual-machines/quotas): 409 `OperationNotAllowed` worded as
 * Compute words it (seen in cloud-barista/cb-spider#1558 and nforgeio/neonKUBE#1671).
 */
function checkQuota(context: RequestContext, catalog: ComputeCatalog, region: string, size: { family: string; vCPUs: number }, replacedVCpus: number, replacedFamilyVCpus: number): void {
  const subscriptionId = context.params.subscriptionId;
  const quota = quotaIn(catalog, region);
  const exceeded = (quotaName: string, limit: number, usage: number) => {
    if (usage + size.vCPUs > limit) {
      throw new ArmError(409, 'OperationNotAllowed', `Operation could not be completed as it results in exceeding approved ${quotaName} quota. Additional details - Deployment Model: Resource Manager, Location: ${region}, Current Limit: ${limit}, Current Usage: ${usage}, Additional Required: ${size.vCPUs}, (Minimum) New Limit Required: ${usage + size.vCPUs}. Submit a request for Quota increase at https://aka.ms/ProdportalCRP by specifying parameters listed in the ‘Details’ section for deployment to succeed. Please read more about quota limits at https://docs.microsoft.com/en-us/azure/azure-supportability/regional-quota-requests.`);
    }
  };
  exceeded('Total Regional Cores', quota.totalVCpus, vCpusInUse(context.core.state, catalog, subscriptionId, region) - replacedVCpus);
  exceeded(`${size.family} Cores`, quota.family(size.family), vCpusInUse(context.core.state, catalog, subscriptionId, region, size.family) - replacedFamilyVCpus);
}

function diskName(vmName: string, vmId: string, label: string): string {
  return `${vmName}_${label}_${stableHex(`${vmId}#${label}`, 32)}`;
}

/**
 * VirtualMachines_CreateOrUpdate: checks in the order Compute reports them (size, image, OS
 * profile, NICs, quota), stores the VM `Creating` with its NICs' back-references, answers 201
 * (200 on update) with `Azure-AsyncOperation`, and turns `Succeeded` and running when the operation
 * ends. A system-assigned identity gets a principal id in the subscription's tenant.
 */
function createOrUpdate(context: RequestContext): Reply {
  const { state } = context.core;
  const group = requireResourceGroup(context);
  const subscription = state.subscription(context.params.subscriptionId);
  const catalog = catalogOf(context);
  const vmId = `${group.id}/providers/Microsoft.Compute/virtualMachines/${context.params.vmName}`;
  const existing = state.getTyped(types.virtualMachine, vmId);
  const region = String(context.body.location ?? '').toLowerCase().replace(/\s+/g, '');
  if (existing && String(existing.location).toLowerCase() !== region) {
    throw new ArmError(409, 'InvalidResourceLocation', `The resource '${context.params.vmName}' already exists in location '${String(existing.location)}' in resource group '${group.name}'. A resource with the same name cannot be created in location '${region}'. Please select a new resource name.`);
  }
  const properties = asObject(context.body.properties);
  const vmSize = String(asObject(properties.hardwareProfile).vmSize ?? '');
  const size = findSize(catalog, vmSize);
  // https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-sku-not-available
  if (!size || !isOffered(size, region)) {
    throw new ArmError(409, 'SkuNotAvailable', `The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: ${vmSize}' is currently not available in location '${region}'. Please try another size or deploy to a different location or different zone. See https://aka.ms/azureskunotavailable for details.`);
  }
  const storageProfile = asObject(properties.storageProfile);
  const osProfile = asObject(properties.osProfile);
  const image = existing ? undefined : resolveImage(catalog, asObject(storageProfile.imageReference), region);
  if (!existing) {
    checkOsProfile(osProfile);
  }
  const nicReferences = Array.isArray(asObject(properties.networkProfile).networkInterfaces) ? (asObject(properties.networkProfile).networkInterfaces as JsonObject[]) : [];
  const nics = requireNics(context, vmId, region, nicReferences, size);
  const requestedSetId = asObject(properties.availabilitySet).id;
  if (typeof requestedSetId === 'string' && !state.getTyped(types.availabilitySet, requestedSetId)) {
    throw new ArmError(404, 'NotFound', `The entity was not found in this Azure location.`, { target: 'availabilitySet' });
  }
  const previousSize = existing ? findSize(catalog, String(asObject(existing.properties.hardwareProfile).vmSize ?? '')) : undefined;
  checkQuota(context, catalog, region, size, previousSize?.vCPUs ?? 0, previousSize && previousSize.family === size.family ? previousSize.vCPUs : 0);

  const name = context.params.vmName;
  const identityType = String(asObject(context.body.identity).type ?? 'None');
  const hasSystemIdentity = /systemassigned/i.test(identityType);
  const previousIdentity = existing ? asObject(existing.identity) : {};
  const principalId = hasSystemIdentity ? String(previousIdentity.principalId ?? randomUUID()) : undefined;
  const osDiskRequest = asObject(storageProfile.osDisk);
  const osDisk: JsonObject = existing
    ? asObject(asObject(existing.properties.storageProfile).osDisk)
    : {
      osType: image?.image.osType,
      name: typeof osDiskRequest.name === 'string' ? osDiskRequest.name : diskName(name, vmId, 'OsDisk_1'),
      createOption: 'FromImage',
      caching: osDiskRequest.caching ?? 'ReadWrite',
      managedDisk: { ...asObject(osDiskRequest.managedDisk), storageAccountType: asObject(osDiskRequest.managedDisk).storageAccountType ?? 'Premium_LRS' },
      deleteOption: osDiskRequest.deleteOption ?? 'Detach',
      diskSizeGB: typeof osDiskRequest.diskSizeGB === 'number' ? osDiskRequest.diskSizeGB : (image?.image.osType === 'Windows' ? 127 : 30),
    };
  const diskId = (diskNameValue: string) => `${group.id}/providers/Microsoft.Compute/disks/${diskNameValue}`;
  asObject(osDisk.managedDisk).id = diskId(String(osDisk.name));
  const dataDisks = (Array.isArray(storageProfile.dataDisks) ? (storageProfile.dataDisks as JsonObject[]) : []).map((disk) => {
    const diskNameValue = typeof disk.name === 'string' ? disk.name : diskName(name, vmId, `disk${Number(disk.lun) + 1}`);
    return {
      ...disk,
      name: diskNameValue,
      caching: disk.caching ?? 'None',
      managedDisk: { ...asObject(disk.managedDisk), storageAccountType: asObject(disk.managedDisk).storageAccountType ?? 'Premium_LRS', id: diskId(diskNameValue) },
      deleteOption: disk.deleteOption ?? 'Detach',
      toBeDetached: false,
    };
  });
  const { adminPassword: _password, customData: _customData, ...storedOsProfile } = osProfile;
  const vm: ArmResource = {
    id: existing?.id ?? vmId,
    name: existing?.name ?? name,
    type: types.virtualMachine,
    location: region,
    tags: (context.body.tags as Record<string, string> | undefined) ?? {},
    ...(hasSystemIdentity ? { identity: { type: identityType, principalId, tenantId: subscription?.tenantId } } : {}),
    properties: {
      ...properties,
      vmId: existing ? existing.properties.vmId : randomUUID(),
      storageProfile: {
        ...storageProfile,
        imageReference: existing ? asObject(existing.properties.storageProfile).imageReference : { ...asObject(storageProfile.imageReference), exactVersion: image?.version },
        osDisk,
        dataDisks,
        ...(existing ? {} : { diskControllerType: 'SCSI' }),
      },
      osProfile: existing ? existing.properties.osProfile : { ...storedOsProfile, secrets: [], allowExtensionOperations: true, requireGuestProvisionSignal: true },
      provisioningState: existing ? 'Updating' : 'Creating',
      timeCreated: existing ? existing.properties.timeCreated : new Date().toISOString(),
    },
  };
  const previous = existing ? structuredClone(existing) : undefined;
  state.put(vm);
  if (!existing) {
    setPowerState(vm, 'starting');
  }
  if (principalId && subscription) {
    state.principals.set(principalId.toLowerCase(), { principalId, tenantId: subscription.tenantId, principalType: 'ServicePrincipal', createdAt: Date.now() });
  }
  for (const nic of nics) {
    nic.properties.virtualMachine = { id: vm.id };
  }
  const setId = typeof asObject(properties.availabilitySet).id === 'string' ? String(asObject(properties.availabilitySet).id) : undefined;
  const set = setId ? state.getTyped(types.availabilitySet, setId) : undefined;
  if (set && !(set.properties.virtualMachines as JsonObject[]).some((member) => String(member.id).toLowerCase() === vm.id.toLowerCase())) {
    (set.properties.virtualMachines as JsonObject[]).push({ id: vm.id });
  }
  const headers = startComputeOperation(context, region, () => {
    vm.properties.provisioningState = 'Succeeded';
    if (!existing) {
      setPowerState(vm, 'running');
    }
  }, () => {
    if (previous) {
      state.put(previous);
      return;
    }
    vm.properties.provisioningState = 'Failed';
    setPowerState(vm, 'deallocated');
  });
  return { status: existing ? 200 : 201, body: vmView(context, vm, false), headers };
}

/**
 * VirtualMachines_Delete (long-running, 202 then the operation; 204 for a VM that does not exist).
 * When it ends, each NIC whose reference says `deleteOption: Delete` is deleted with the VM, the
 * others are released (https://learn.microsoft.com/azure/virtual-machines/delete#delete-a-vm-and-its-attached-resources).
 */
function deleteVm(context: RequestContext): Reply {
  const { state } = context.core;
  const group = requireResourceGroup(context);
  const vm = state.getTyped(types.virtualMachine, `${group.id}/providers/Microsoft.Compute/virtualMachines/${context.params.vmName}`);
  if (!vm) {
    return { status: 204 };
  }
  const previousState = vm.properties.provisioningState;
  vm.properties.provisioningState = 'Deleting';
  const headers = startComputeOperation(context, String(vm.location), () => {
    state.delete(vm.id);
    const references = Array.isArray(asObject(vm.properties.networkProfile).networkInterfaces) ? (asObject(vm.properties.networkProfile).networkInterfaces as JsonObject[]) : [];
    for (const reference of references) {
      const nic = state.getTyped(types.networkInterface, String(reference.id ?? ''));
      if (!nic) {
        continue;
      }
      if (asObject(reference.properties).deleteOption === 'Delete') {
        state.delete(nic.id);
        forgetNetworkInterface(context, nic);
      } else {
        delete nic.properties.virtualMachine;
      }
    }
    const setId = typeof asObject(vm.properties.availabilitySet).id === 'string' ? String(asObject(vm.properties.availabilitySet).id) : undefined;
    const set = setId ? state.getTyped(types.availabilitySet, setId) : undefined;
    if (set && Array.isArray(set.properties.virtualMachines)) {
      set.properties.virtualMachines = (set.properties.virtualMachines as JsonObject[]).filter((member) => String(member.id).toLowerCase() !== vm.id.toLowerCase());
    }
  }, () => {
    vm.properties.provisioningState = previousState;
  });
  return { status: 202, headers };
}

export const virtualMachineCreateRoutes: Route[] = [
  { ...base, method: 'PUT', template: vmPath, handle: createOrUpdate },
  { ...base, method: 'DELETE', template: vmPath, handle: deleteVm },
];
