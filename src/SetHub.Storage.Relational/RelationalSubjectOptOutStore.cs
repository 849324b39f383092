using SetHub.Core.Storage;

namespace SetHub.Storage.Relational;

/// <summary><see cref="ISubjectOptOutStore"/> on <c>subject_opt_outs</c> and its index. Changes are written by
/// <see cref="OptOutWriter"/>, in the transaction that queues the SETs announcing them.</summary>
public sealed class RelationalSubjectOptOutStore(RelationalDatabase database) : ISubjectOptOutStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<OptedOutSubject>> FindOptOutsAsync(string tenantId, IReadOnlyList<string> indexKeys, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var command = connection.CreateCommand(null, $"""
                SELECT DISTINCT o.subject_key, o.subject_json FROM opt_out_index i
                JOIN subject_opt_outs o ON o.tenant_id = i.tenant_id AND o.subject_key = i.subject_key
                WHERE i.tenant_id = @tenant_id AND i.index_key {database.InList("@keys")}
                ORDER BY o.subject_key
                """)
            .With("@tenant_id", tenantId);
        database.AddList(command, "@keys", indexKeys);
        return await command.QueryAsync(reader => new OptedOutSubject(reader.GetString(0), reader.GetString(1)), cancellationToken);
    }
}
