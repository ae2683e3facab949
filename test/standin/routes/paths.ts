/** Route template prefixes. */
export const subscriptionPath = '/subscriptions/{subscriptionId}';
export const groupPath = `${subscriptionPath}/resourceGroups/{resourceGroupName}`;
export const networkPath = `${groupPath}/providers/Microsoft.Network`;
export const networkSubscriptionPath = `${subscriptionPath}/providers/Microsoft.Network`;
