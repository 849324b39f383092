using Azure.Data.Tables;

namespace SetHub.Storage.AzureStorage.SetLog;

/// <summary>What a unit of a write does; it decides what a failed action of the unit means.</summary>
internal enum LogUnitKind
{
    /// <summary>Insert a SET row and its <c>jti</c> row: a conflict is a duplicate <c>jti</c>.</summary>
    Append,

    /// <summary>Anything else (removals, dead letters, re-drives, expiry): a missing row means it was done already.</summary>
    Change,
}

/// <summary>
/// Actions that must commit together (a SET row and its <c>jti</c> row), so a transaction boundary never falls between
/// them.
/// </summary>
internal sealed class LogUnit(WriteLogOperation write, LogUnitKind kind, List<TableTransactionAction> actions)
{
    public WriteLogOperation Write { get; } = write;

    public LogUnitKind Kind { get; } = kind;

    public List<TableTransactionAction> Actions { get; } = actions;

    /// <summary>For an append: the <c>jti</c> and the position it was given.</summary>
    public (string Jti, long Position)? Appended { get; init; }

    public int WireSize => _wireSize ??= Actions.Sum(action => action.Entity is TableEntity entity ? LogEntities.WireSize(entity) : 700);

    private int? _wireSize;
}
