using SetHub.Core.Storage;

namespace SetHub.Storage.Relational;

/// <summary><see cref="ISubjectOptOutStore"/> on <c>subject_opt_outs</c> and its index.</summary>
public sealed class RelationalSubjectOptOutStore(RelationalDatabase database) : ISubjectOptOutStore
{
    /// <inheritdoc />
    public Task SetOptOutAsync(
        string tenantId,
        string subjectKey,
        string subjectJson,
        IReadOnlyList<string> indexKeys,
        bool optedOut,
        DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(indexKeys);
        return database.WriteAsync(async (connection, transaction) =>
        {
            foreach (var table in (string[])["opt_out_index", "subject_opt_outs"])
            {
                await connection.CreateCommand(transaction, $"DELETE FROM {table} WHERE tenant_id = @tenant_id AND subject_key = @subject_key")
                    .With("@tenant_id", tenantId)
                    .With("@subject_key", subjectKey)
                    .ExecuteAsync(cancellationToken);
            }

            if (!optedOut)
            {
                return;
            }

            await connection.CreateCommand(transaction, """
                    INSERT INTO subject_opt_outs (tenant_id, subject_key, subject_json, created_at)
                    VALUES (@tenant_id, @subject_key, @subject_json, @created_at)
                    """)
                .With("@tenant_id", tenantId)
                .With("@subject_key", subjectKey)
                .With("@subject_json", subjectJson)
                .With("@created_at", now.ToDb())
                .ExecuteAsync(cancellationToken);
            foreach (var indexKey in indexKeys)
            {
                await connection.CreateCommand(transaction, "INSERT INTO opt_out_index (tenant_id, index_key, subject_key) VALUES (@tenant_id, @index_key, @subject_key)")
                    .With("@tenant_id", tenantId)
                    .With("@index_key", indexKey)
                    .With("@subject_key", subjectKey)
                    .ExecuteAsync(cancellationToken);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> FindOptOutsAsync(string tenantId, IReadOnlyList<string> indexKeys, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var command = connection.CreateCommand(null, $"""
                SELECT DISTINCT o.subject_json FROM opt_out_index i
                JOIN subject_opt_outs o ON o.tenant_id = i.tenant_id AND o.subject_key = i.subject_key
                WHERE i.tenant_id = @tenant_id AND i.index_key {database.InList("@keys")}
                """)
            .With("@tenant_id", tenantId);
        database.AddList(command, "@keys", indexKeys);
        return await command.QueryAsync(reader => reader.GetString(0), cancellationToken);
    }
}
