using SetHub.Core.Storage;

namespace SetHub.Storage.Relational;

/// <summary><see cref="ISubjectStore"/> on <c>subject_streams</c> and <c>opt_outs</c>.</summary>
public sealed class RelationalSubjectStore(RelationalDatabase database) : ISubjectStore
{
    /// <inheritdoc />
    public async Task<SubjectRows> LoadAsync(string tenantId, string indexKey, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var streams = await connection.CreateCommand(null, """
                SELECT stream_id, subject_key, subject_json, included, verified, created_at FROM subject_streams
                WHERE tenant_id = @tenant_id AND index_key = @index_key
                """)
            .With("@tenant_id", tenantId)
            .With("@index_key", indexKey)
            .QueryAsync(
                reader => new StreamSubjectRow(tenantId, indexKey, reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    reader.GetBoolean(3), reader.GetBoolean(4), reader.GetTime(5)),
                cancellationToken);
        var optOuts = await connection.CreateCommand(null, """
                SELECT subject_key, subject_json, created_at FROM opt_outs WHERE tenant_id = @tenant_id AND index_key = @index_key
                """)
            .With("@tenant_id", tenantId)
            .With("@index_key", indexKey)
            .QueryAsync(reader => new OptOutRow(tenantId, indexKey, reader.GetString(0), reader.GetString(1), reader.GetTime(2)), cancellationToken);
        return new SubjectRows(streams, optOuts);
    }

    /// <inheritdoc />
    public Task PutStreamSubjectAsync(StreamSubjectRow row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        return database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, """
                    INSERT INTO subject_streams (tenant_id, index_key, stream_id, subject_key, subject_json, included, verified, created_at)
                    VALUES (@tenant_id, @index_key, @stream_id, @subject_key, @subject_json, @included, @verified, @created_at)
                    ON CONFLICT (tenant_id, index_key, stream_id, subject_key) DO UPDATE SET
                        subject_json = excluded.subject_json, included = excluded.included, verified = excluded.verified, created_at = excluded.created_at
                    """)
                .With("@tenant_id", row.TenantId)
                .With("@index_key", row.IndexKey)
                .With("@stream_id", row.StreamId)
                .With("@subject_key", row.SubjectKey)
                .With("@subject_json", row.SubjectJson)
                .With("@included", row.Included)
                .With("@verified", row.Verified)
                .With("@created_at", row.CreatedAt.ToDb())
                .ExecuteAsync(cancellationToken),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteStreamSubjectAsync(string tenantId, string indexKey, string streamId, string subjectKey, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, """
                    DELETE FROM subject_streams
                    WHERE tenant_id = @tenant_id AND index_key = @index_key AND stream_id = @stream_id AND subject_key = @subject_key
                    """)
                .With("@tenant_id", tenantId)
                .With("@index_key", indexKey)
                .With("@stream_id", streamId)
                .With("@subject_key", subjectKey)
                .ExecuteAsync(cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task DeleteStreamSubjectsAsync(string tenantId, string streamId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, "DELETE FROM subject_streams WHERE tenant_id = @tenant_id AND stream_id = @stream_id")
                .With("@tenant_id", tenantId)
                .With("@stream_id", streamId)
                .ExecuteAsync(cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<StreamSubjectRow>> ListStreamSubjectsAsync(string tenantId, string streamId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.CreateCommand(null, """
                SELECT index_key, subject_key, subject_json, included, verified, created_at FROM subject_streams
                WHERE tenant_id = @tenant_id AND stream_id = @stream_id ORDER BY created_at, subject_key
                """)
            .With("@tenant_id", tenantId)
            .With("@stream_id", streamId)
            .QueryAsync(
                reader => new StreamSubjectRow(tenantId, reader.GetString(0), streamId, reader.GetString(1), reader.GetString(2),
                    reader.GetBoolean(3), reader.GetBoolean(4), reader.GetTime(5)),
                cancellationToken);

        // One row per subject, whichever identifier it is filed under.
        return [.. rows.DistinctBy(row => row.SubjectKey)];
    }

    /// <inheritdoc />
    public Task PutOptOutAsync(OptOutRow row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        return database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, """
                    INSERT INTO opt_outs (tenant_id, index_key, subject_key, subject_json, created_at)
                    VALUES (@tenant_id, @index_key, @subject_key, @subject_json, @created_at)
                    ON CONFLICT (tenant_id, index_key, subject_key) DO NOTHING
                    """)
                .With("@tenant_id", row.TenantId)
                .With("@index_key", row.IndexKey)
                .With("@subject_key", row.SubjectKey)
                .With("@subject_json", row.SubjectJson)
                .With("@created_at", row.CreatedAt.ToDb())
                .ExecuteAsync(cancellationToken),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteOptOutsAsync(string tenantId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, "DELETE FROM opt_outs WHERE tenant_id = @tenant_id")
                .With("@tenant_id", tenantId)
                .ExecuteAsync(cancellationToken),
            cancellationToken);

    /// <inheritdoc />
    public Task DeleteOptOutAsync(string tenantId, string indexKey, string subjectKey, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, "DELETE FROM opt_outs WHERE tenant_id = @tenant_id AND index_key = @index_key AND subject_key = @subject_key")
                .With("@tenant_id", tenantId)
                .With("@index_key", indexKey)
                .With("@subject_key", subjectKey)
                .ExecuteAsync(cancellationToken),
            cancellationToken);
}
