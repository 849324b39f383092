namespace SetHub.Core.Storage;

/// <summary>
/// A change of a tenant's opt-out state (RISC 1.0 §2.8), committed in the same transaction as the SETs that announce
/// it (<see cref="ISetStore.EnqueueAsync(IReadOnlyList{QueuedSet}, SubjectOptOutChange, CancellationToken)"/>): once
/// an opt-out or opt-in has been announced, it is in force.
/// </summary>
/// <param name="TenantId">The tenant whose state changes.</param>
public abstract record SubjectOptOutChange(string TenantId);

/// <summary>A subject opted out of every stream of its tenant (RISC <c>opt-out-effective</c>). Recording a subject
/// that is already recorded changes nothing.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="SubjectKey">The subject's key.</param>
/// <param name="SubjectJson">The subject's canonical JSON.</param>
/// <param name="IndexKeys">The subject's index keys, by which events and opt-ins find it.</param>
/// <param name="CreatedAt">When it opted out.</param>
public sealed record OptOutRecorded(string TenantId, string SubjectKey, string SubjectJson, IReadOnlyList<string> IndexKeys, DateTimeOffset CreatedAt)
    : SubjectOptOutChange(TenantId);

/// <summary>Opt-outs that end (RISC <c>opt-in</c>): every recorded opt-out of the tenant with one of these keys. Keys
/// with no opt-out are ignored.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="SubjectKeys">The keys of the opted-out subjects whose opt-out ends.</param>
public sealed record OptOutsLifted(string TenantId, IReadOnlyList<string> SubjectKeys) : SubjectOptOutChange(TenantId);
