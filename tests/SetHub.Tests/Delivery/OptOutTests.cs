using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SetHub.Core.Events;
using SetHub.Core.Storage;
using SetHub.Tests.Infrastructure;

namespace SetHub.Tests.Delivery;

/// <summary>
/// RISC 1.0 §2.8 opt-out and opt-in through the publish API: what the 202 says and what the receivers poll.
/// </summary>
public sealed class OptOutTests(SetHubServer server)
{
    private const string Alice = """{"format":"email","email":"alice@example.com"}""";

    private static readonly string OptOutEffective = Risc("opt-out-effective");
    private static readonly string OptIn = Risc("opt-in");

    [Fact]
    public async Task OptOut_IsInForce_WhenTheClientDropsRightAfterTheCommit()
    {
        // The reported loss: the request is cancelled once the opt-out's SETs are committed. The opt-out must be in
        // force all the same, and the publish must not fail on the cancelled token.
        var tenant = await TestTenant.CreateAsync(server, """{"default_subjects":"ALL"}""");
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await CreateStreamAsync(receiver);

        Assert.Equal(1, await PublishDroppingAfterCommitAsync(tenant, Alice, OptOutEffective, "opt-out"));
        Assert.Equal(0, await PublishAsync(tenant, Alice, txn: "suppressed"));

        Assert.Equal(1, await PublishDroppingAfterCommitAsync(tenant, Alice, OptIn, "opt-in"));
        Assert.Equal(1, await PublishAsync(tenant, Alice, txn: "after-opt-in"));

        Assert.Equal(["opt-out", "opt-in", "after-opt-in"], await TransactionsAsync(receiver, stream));
    }

    private static Task<JsonElement> CreateStreamAsync(TestReceiver receiver) =>
        receiver.CreateStreamAsync($$"""{"events_requested":["{{TestReceiver.SessionRevoked}}","{{OptOutEffective}}","{{OptIn}}"]}""");

    // The number of streams the 202 says the event was queued for.
    private static async Task<int> PublishAsync(TestTenant tenant, string subject, string eventType = TestReceiver.SessionRevoked, string? txn = null) =>
        (await tenant.PublishAsync(TestTenant.Event(subject, eventType, txn: txn))).GetProperty("streams").GetInt32();

    private async Task<int> PublishDroppingAfterCommitAsync(TestTenant tenant, string subject, string eventType, string txn)
    {
        using var request = new CancellationTokenSource();
        var sets = new CancelAfterCommitSetStore(server.Services.GetRequiredService<ISetStore>(), request);
        var publisher = ActivatorUtilities.CreateInstance<EventPublisher>(server.Services, sets);
        using var body = JsonDocument.Parse(TestTenant.Event(subject, eventType, txn: txn));

        var published = await publisher.PublishAsync(tenant.TenantId, body.RootElement, request.Token);

        Assert.True(request.IsCancellationRequested, "the store committed");
        return published.Value.Streams;
    }

    // The txn of every SET a poll returns, oldest first.
    private static async Task<IReadOnlyList<string>> TransactionsAsync(TestReceiver receiver, JsonElement stream)
    {
        var transactions = new List<string>();
        foreach (var (_, token) in TestReceiver.Sets(await receiver.PollAsync(stream)))
        {
            transactions.Add(TestReceiver.Claim(await receiver.ValidateSetAsync(token), "txn").GetString()!);
        }

        return transactions;
    }

    private static string Risc(string name) => $"https://schemas.openid.net/secevent/risc/event-type/{name}";

    /// <summary>The node's SET store, cancelling the request as soon as an enqueue has committed: a client dropping
    /// the connection at the worst moment.</summary>
    private sealed class CancelAfterCommitSetStore(ISetStore inner, CancellationTokenSource request) : ISetStore
    {
        public async Task<IReadOnlyList<EnqueuedSet>> EnqueueAsync(IReadOnlyList<QueuedSet> sets, CancellationToken cancellationToken = default)
        {
            var queued = await inner.EnqueueAsync(sets, cancellationToken);
            await request.CancelAsync();
            return queued;
        }

        public async Task<IReadOnlyList<EnqueuedSet>> EnqueueAsync(IReadOnlyList<QueuedSet> sets, SubjectOptOutChange optOutChange, CancellationToken cancellationToken = default)
        {
            var queued = await inner.EnqueueAsync(sets, optOutChange, cancellationToken);
            await request.CancelAsync();
            return queued;
        }

        public Task<PollBatch> PollAsync(string tenantId, string streamId, PollQuery query, CancellationToken cancellationToken = default) =>
            inner.PollAsync(tenantId, streamId, query, cancellationToken);

        public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(string tenantId, string streamId, int limit, CancellationToken cancellationToken = default) =>
            inner.ListDeadLettersAsync(tenantId, streamId, limit, cancellationToken);

        public Task<int> RedriveAsync(string tenantId, string streamId, IReadOnlyList<string>? jtis, DateTimeOffset now, CancellationToken cancellationToken = default) =>
            inner.RedriveAsync(tenantId, streamId, jtis, now, cancellationToken);

        public Task<int> ExpireAsync(DateTimeOffset queuedBefore, int limit, CancellationToken cancellationToken = default) =>
            inner.ExpireAsync(queuedBefore, limit, cancellationToken);

        public Task<QueueCounts> CountAsync(string tenantId, string streamId, CancellationToken cancellationToken = default) =>
            inner.CountAsync(tenantId, streamId, cancellationToken);
    }
}
