using System.Data.Common;

namespace SetHub.Storage.Relational.SetLog;

/// <summary>A statement run row by row: its SQL and its parameters' names, in the order values are bound.</summary>
internal sealed record RowStatement(string Sql, params string[] Parameters);

/// <summary>
/// The statements of one log batch, each built once and then run row after row with new parameter values:
/// Microsoft.Data.Sqlite keeps a statement compiled only on the command that compiled it, so a command per row would
/// compile its SQL again for every SET of a fan-out.
/// </summary>
internal sealed class BatchStatements(DbConnection connection, DbTransaction transaction) : IAsyncDisposable
{
    private readonly Dictionary<RowStatement, DbCommand> _commands = new(ReferenceEqualityComparer.Instance);

    /// <summary>The command of <paramref name="statement"/> (created on first use) with <paramref name="values"/> bound
    /// to its parameters, in order.</summary>
    public DbCommand Bind(RowStatement statement, params ReadOnlySpan<object?> values)
    {
        if (values.Length != statement.Parameters.Length)
        {
            throw new ArgumentException($"The statement takes {statement.Parameters.Length} values, not {values.Length}.", nameof(values));
        }

        if (!_commands.TryGetValue(statement, out var command))
        {
            command = connection.CreateCommand(transaction, statement.Sql);
            foreach (var name in statement.Parameters)
            {
                command.With(name, null);
            }

            _commands.Add(statement, command);
        }

        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
        {
            await command.DisposeAsync();
        }
    }
}
