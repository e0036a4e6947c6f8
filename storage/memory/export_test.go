package memstore

// SubscriptionBuffer is how many undelivered events a subscription holds.
const SubscriptionBuffer = subscriptionBuffer
