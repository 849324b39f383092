namespace SetHub.Tests.Infrastructure;

/// <summary>
/// A node on which a polled SET that is not acknowledged is due again after 1 ms (RFC 8936 §2.4), instead of the
/// default minute. Acknowledgement tests need it: with the default, an ignored ack and an applied one look the same,
/// since the SET stays in flight either way. To see a SET come back, poll with <c>returnImmediately</c> false: the
/// long poll answers once it is due, whatever the machine's speed.
/// </summary>
public sealed class QuickRedeliveryServer : SetHubServer
{
    protected override IEnumerable<string> Settings => ["--SetHub:Poll:RedeliveryInterval=00:00:00.001"];
}
