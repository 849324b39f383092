using Orleans.Storage;

namespace SetHub.Storage.Relational.Providers;

/// <summary>Options of one <see cref="RelationalGrainStorage"/>, named after the storage provider.</summary>
public sealed class SetHubGrainStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>
    /// How grain states are serialized. When left unset: the <see cref="IGrainStorageSerializer"/> registered under
    /// the provider's name (as Orleans' own providers look it up), else Orleans' binary serializer
    /// (<see cref="OrleansGrainStorageSerializer"/>), whose <c>[GenerateSerializer]</c>/<c>[Id]</c>/<c>[Alias]</c>
    /// contract keeps states readable across versions. The silo-wide default serializer is deliberately not used:
    /// Orleans makes it JSON, which has no such contract.
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;

    /// <summary>The most grain states one read query loads (default 500). Concurrent reads of cold grains are merged
    /// into queries of up to this many keys.</summary>
    public int MaxReadBatchSize { get; set; } = 500;

    /// <summary>The most read queries in flight at once for this provider (default 4); reads beyond them wait and
    /// join the next query.</summary>
    public int MaxConcurrentReadBatches { get; set; } = 4;
}
