namespace SetHub.Grains.Subjects;

/// <summary>A stream's subject row as a subject grain holds it.</summary>
/// <param name="StreamId">The stream.</param>
/// <param name="SubjectKey">The whole subject's key.</param>
/// <param name="SubjectJson">The whole subject's canonical JSON (complex subjects are filed under each member).</param>
/// <param name="Included">Whether it includes (NONE streams) or excludes (ALL streams) the subject.</param>
/// <param name="Verified">The receiver's <c>verified</c> flag.</param>
/// <param name="CreatedAt">When it was written.</param>
[GenerateSerializer, Immutable, Alias("SetHub.SubjectEntry")]
public sealed record SubjectEntry(
    [property: Id(0)] string StreamId,
    [property: Id(1)] string SubjectKey,
    [property: Id(2)] string SubjectJson,
    [property: Id(3)] bool Included,
    [property: Id(4)] bool Verified,
    [property: Id(5)] DateTimeOffset CreatedAt);

/// <summary>An opt-out as a subject grain holds it.</summary>
/// <param name="SubjectKey">The opted-out subject's key.</param>
/// <param name="SubjectJson">Its canonical JSON.</param>
/// <param name="CreatedAt">When it opted out.</param>
[GenerateSerializer, Immutable, Alias("SetHub.OptOutEntry")]
public sealed record OptOutEntry([property: Id(0)] string SubjectKey, [property: Id(1)] string SubjectJson, [property: Id(2)] DateTimeOffset CreatedAt);

/// <summary>Everything filed under one simple identifier: the candidates fan-out and opt-out decisions look at.</summary>
/// <param name="Streams">Stream subject rows.</param>
/// <param name="OptOuts">Opt-outs.</param>
[GenerateSerializer, Immutable, Alias("SetHub.SubjectLookup")]
public sealed record SubjectLookup([property: Id(0)] SubjectEntry[] Streams, [property: Id(1)] OptOutEntry[] OptOuts)
{
    /// <summary>Nothing filed.</summary>
    public static SubjectLookup Empty { get; } = new([], []);
}

/// <summary>
/// One simple subject identifier of a tenant (key <c>{tenant}/{index key}</c>): which streams added or removed a subject
/// made of it, and which subjects made of it opted out. A complex or aliases subject touches one grain per identifier.
/// </summary>
[Alias("SetHub.ISubjectGrain")]
public interface ISubjectGrain : IGrainWithStringKey
{
    /// <summary>What is filed here, from memory.</summary>
    [AlwaysInterleave, Alias("Lookup")]
    Task<SubjectLookup> Lookup();

    /// <summary>Files a stream's subject row (inserted or replaced), durably.</summary>
    [Alias("Put")]
    Task Put(SubjectEntry entry);

    /// <summary>Removes a stream's subject row; a missing row is not an error.</summary>
    [Alias("Remove")]
    Task Remove(string streamId, string subjectKey);

    /// <summary>Records an opt-out (RISC 1.0 §2.8); recording it again changes nothing.</summary>
    [Alias("RecordOptOut")]
    Task RecordOptOut(OptOutEntry optOut, DateTimeOffset at);

    /// <summary>Ends an opt-out.</summary>
    [Alias("LiftOptOut")]
    Task LiftOptOut(string subjectKey);
}

/// <summary>Subject grain keys.</summary>
public static class SubjectGrainKeys
{
    /// <summary>The key of the grain for <paramref name="indexKey"/> in <paramref name="tenantId"/>.</summary>
    public static string For(string tenantId, string indexKey) => string.Concat(tenantId, "/", indexKey);
}
