using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SetHub.Publishing;
using SetHub.Tests.Infrastructure;

namespace SetHub.Tests.Delivery;

/// <summary>
/// RISC 1.0 §2.8 opt-out and opt-in through the publish API, for complex and aliases subjects: what the 202 says and
/// what the receivers poll.
/// </summary>
public sealed class OptOutTests(SetHubServer server)
{
    private const string Alice = """{"format":"email","email":"alice@example.com"}""";
    private const string Dave = """{"format":"email","email":"dave@example.com"}""";
    private const string Dave1 = """{"format":"opaque","id":"dave-1"}""";
    private const string AcmeId = """{"format":"opaque","id":"acme"}""";
    private const string AliceInAcme = """{"format":"complex","user":{"format":"email","email":"alice@example.com"},"tenant":{"format":"opaque","id":"acme"}}""";
    private const string AcmeTenant = """{"format":"complex","tenant":{"format":"opaque","id":"acme"}}""";
    private const string AliceSessionInAcme = """{"format":"complex","user":{"format":"email","email":"alice@example.com"},"tenant":{"format":"opaque","id":"acme"},"session":{"format":"opaque","id":"s-1"}}""";
    private const string DaveAliases = """{"format":"aliases","identifiers":[{"format":"email","email":"dave@example.com"},{"format":"opaque","id":"dave-1"}]}""";

    private static readonly string OptOutEffective = Risc("opt-out-effective");
    private static readonly string OptIn = Risc("opt-in");

    [Fact]
    public async Task ComplexOptOut_SuppressesOnlyThatPrincipal_UntilAPlainEmailOptIn()
    {
        // SSF 1.0 §3.3, §9.1: alice opted out as alice-in-acme; acme's own events still flow.
        var tenant = await TestTenant.CreateAsync(server, """{"default_subjects":"ALL"}""");
        using var first = await tenant.AddReceiverAsync();
        using var second = await tenant.AddReceiverAsync();
        var firstStream = await CreateStreamAsync(first);
        var secondStream = await CreateStreamAsync(second);

        Assert.Equal(2, await PublishAsync(tenant, AliceInAcme, OptOutEffective, "opt-out"));
        Assert.Equal(2, await PublishAsync(tenant, AcmeTenant, txn: "tenant-level"));
        Assert.Equal(2, await PublishAsync(tenant, AcmeId, txn: "opaque-acme"));
        Assert.Equal(0, await PublishAsync(tenant, AliceSessionInAcme, txn: "suppressed-session"));
        Assert.Equal(2, await PublishAsync(tenant, Alice, txn: "alice-anywhere")); // a simple event never names a complex opt-out

        // RISC 1.0 §2.8.1: the opt-in names alice by e-mail only, and still ends the opt-out.
        Assert.Equal(2, await PublishAsync(tenant, Alice, OptIn, "opt-in"));
        Assert.Equal(2, await PublishAsync(tenant, AliceSessionInAcme, txn: "after-opt-in"));

        string[] expected = ["opt-out", "tenant-level", "opaque-acme", "alice-anywhere", "opt-in", "after-opt-in"];
        Assert.Equal(expected, await TransactionsAsync(first, firstStream));
        Assert.Equal(expected, await TransactionsAsync(second, secondStream));
    }

    [Fact]
    public async Task EmailOptOut_SuppressesAliasesAndComplexSubjectsNamingIt_UntilAnAliasesOptIn()
    {
        var tenant = await TestTenant.CreateAsync(server, """{"default_subjects":"ALL"}""");
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await CreateStreamAsync(receiver);

        Assert.Equal(1, await PublishAsync(tenant, Dave, OptOutEffective, "opt-out"));
        Assert.Equal(0, await PublishAsync(tenant, DaveAliases, txn: "suppressed-aliases"));           // R20
        Assert.Equal(0, await PublishAsync(tenant, $$"""{"format":"complex","user":{{Dave}} }""", txn: "suppressed-complex")); // SSF 1.0 §3.3
        Assert.Equal(1, await PublishAsync(tenant, Dave1, txn: "dave-1-alone"));                        // not known to be dave

        // RISC 1.0 §2.8.1, R20: the opt-in comes as aliases holding the opted-out address.
        Assert.Equal(1, await PublishAsync(tenant, DaveAliases, OptIn, "opt-in"));
        Assert.Equal(1, await PublishAsync(tenant, Dave, txn: "after-opt-in"));

        Assert.Equal(["opt-out", "dave-1-alone", "opt-in", "after-opt-in"], await TransactionsAsync(receiver, stream));
    }

    [Fact]
    public async Task AliasesOptOut_SuppressesEachAlias_UntilAnOptInWithOne()
    {
        var tenant = await TestTenant.CreateAsync(server, """{"default_subjects":"ALL"}""");
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await CreateStreamAsync(receiver);

        Assert.Equal(1, await PublishAsync(tenant, DaveAliases, OptOutEffective, "opt-out"));
        Assert.Equal(0, await PublishAsync(tenant, Dave, txn: "suppressed-email"));
        Assert.Equal(0, await PublishAsync(tenant, Dave1, txn: "suppressed-opaque"));

        Assert.Equal(1, await PublishAsync(tenant, Dave1, OptIn, "opt-in"));
        Assert.Equal(1, await PublishAsync(tenant, Dave, txn: "after-opt-in"));

        Assert.Equal(["opt-out", "opt-in", "after-opt-in"], await TransactionsAsync(receiver, stream));
    }

    [Fact]
    public async Task RepeatedOptOut_WithAnotherAlias_CoversThatAliasToo()
    {
        // The second opt-out is about an already opted-out principal, so it is not announced, but it is recorded: it
        // tells the hub that dave-1 is dave.
        var tenant = await TestTenant.CreateAsync(server, """{"default_subjects":"ALL"}""");
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await CreateStreamAsync(receiver);

        Assert.Equal(1, await PublishAsync(tenant, Dave, OptOutEffective, "opt-out"));
        Assert.Equal(0, await PublishAsync(tenant, DaveAliases, OptOutEffective, "opt-out-again"));
        Assert.Equal(0, await PublishAsync(tenant, Dave1, txn: "suppressed-opaque"));

        Assert.Equal(1, await PublishAsync(tenant, Dave, OptIn, "opt-in")); // ends both: each names the other
        Assert.Equal(1, await PublishAsync(tenant, Dave1, txn: "after-opt-in"));

        Assert.Equal(["opt-out", "opt-in", "after-opt-in"], await TransactionsAsync(receiver, stream));
    }

    [Fact]
    public async Task ComplexOptOut_AddSubjectIgnoresOnlySubjectsNamingIt()
    {
        // SSF 1.0 §9.1, R110: adding alice's session in acme is silently ignored; adding acme itself is not.
        var tenant = await TestTenant.CreateAsync(server); // default_subjects NONE
        using var tenantReceiver = await tenant.AddReceiverAsync();
        using var sessionReceiver = await tenant.AddReceiverAsync();
        var tenantStream = await CreateStreamAsync(tenantReceiver);
        var sessionStream = await CreateStreamAsync(sessionReceiver);
        Assert.Equal(0, await PublishAsync(tenant, AliceInAcme, OptOutEffective, "opt-out"));

        await AddSubjectAsync(tenantReceiver, tenantStream, AcmeTenant);
        await AddSubjectAsync(sessionReceiver, sessionStream, AliceSessionInAcme);
        Assert.Equal(1, await PublishAsync(tenant, AcmeTenant, txn: "tenant-level"));

        Assert.Equal(1, await PublishAsync(tenant, AliceInAcme, OptIn, "opt-in"));           // to the acme stream (R112)
        Assert.Equal(1, await PublishAsync(tenant, AliceSessionInAcme, txn: "after-opt-in")); // the ignored add did not stick

        Assert.Equal(["tenant-level", "opt-in", "after-opt-in"], await TransactionsAsync(tenantReceiver, tenantStream));
        Assert.Empty(await TransactionsAsync(sessionReceiver, sessionStream));
    }

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

    // A publish whose client has gone (its request aborted) by the time the SETs are durable: what they announce must
    // be recorded all the same, so the request's cancellation must not stop the publish half-way.
    private async Task<int> PublishDroppingAfterCommitAsync(TestTenant tenant, string subject, string eventType, string txn)
    {
        using var request = new CancellationTokenSource();
        await request.CancelAsync();
        var publisher = server.Services.GetRequiredService<Publisher>();
        using var body = JsonDocument.Parse(TestTenant.Event(subject, eventType, txn: txn));

        var published = await publisher.PublishAsync(tenant.TenantId, body.RootElement, request.Token);

        return published.Value.Streams;
    }

    private static async Task AddSubjectAsync(TestReceiver receiver, JsonElement stream, string subject)
    {
        using var response = await receiver.SendAsync(HttpMethod.Post, receiver.Tenant.Endpoint("add_subject_endpoint"), $$"""{"stream_id":"{{stream.GetProperty("stream_id").GetString()}}","subject":{{subject}} }""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // R110: an ignored add answers 200 too
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
}
