using System.Collections.Concurrent;
using System.Security.Cryptography;
using SetHub.Core;
using SetHub.Core.Security;
using SetHub.Core.Signing;
using SetHub.Core.Tenants;
using SetHub.Grains.Delivery;
using SetHub.Grains.Silos;

namespace SetHub.Grains.Tests.Infrastructure;

/// <summary>What a silo's host gives its grains, in the form a test can watch: URLs, the master key, signing keys,
/// and the silo agent's targets (snapshot invalidations and long-poll wake-ups, recorded per silo).</summary>
public sealed class TestSiloServices : TransmitterUrlLayout, ISigningKeySource
{
    private readonly ConcurrentDictionary<(string, string), SigningKey> _keys = new();

    public TestSiloServices() => Protector = new AesGcmSecretProtector(RandomNumberGenerator.GetBytes(32));

    public ISecretProtector Protector { get; }

    public override string Issuer(string tenantId) => $"https://hub.example.com/tenants/{tenantId}";

    public override string ConfigurationUrl(string tenantId) => $"https://hub.example.com/.well-known/ssf-configuration/tenants/{tenantId}";

    // Grain tests do not check signatures: any key of the right algorithm will do.
    public ValueTask<SigningKey> GetActiveKeyAsync(string tenantId, string algorithm, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_keys.GetOrAdd((tenantId, algorithm), _ =>
            SigningKey.Load(SigningKeyGenerator.Generate(tenantId, SsfConstants.Algorithms.ES256, Protector, DateTimeOffset.UtcNow), Protector)));
}

/// <summary>One silo's silo-agent targets, recording what grains told this silo.</summary>
public sealed class RecordingSiloTargets : ILocalTenantSnapshots, ILocalPollWaiters
{
    public ConcurrentQueue<(string TenantId, string IdentityVersion, string DirectoryVersion)> Invalidations { get; } = new();

    public ConcurrentQueue<(string StreamKey, StreamSignal Signal)> Signals { get; } = new();

    public bool Invalidate(string tenantId, string identityVersion, string directoryVersion)
    {
        Invalidations.Enqueue((tenantId, identityVersion, directoryVersion));
        return true;
    }

    public void Signal(string streamKey, StreamSignal signal) => Signals.Enqueue((streamKey, signal));

    public void SignalTenant(string tenantId)
    {
    }
}
