using System.Data.Common;
using System.Globalization;
using System.Net;

namespace SetHub.Storage.Relational.Providers;

/// <summary>How a <see cref="MembershipEntry"/> maps onto a <c>membership_silos</c> row, and back.</summary>
internal static class MembershipRows
{
    /// <summary>The silo row's columns, in the order <see cref="Read"/> expects them after the table version's two.</summary>
    public const string Columns =
        "s.address, s.port, s.generation, s.silo_name, s.host_name, s.status, s.proxy_port, s.role_name, s.update_zone, " +
        "s.fault_zone, s.suspect_times, s.start_at, s.i_am_alive_at, s.version";

    private const char VoteSeparator = '|';
    private const char FieldSeparator = ',';

    /// <summary>Adds the silo's key parameters: <c>@address</c>, <c>@port</c>, <c>@generation</c>.</summary>
    public static DbCommand WithSiloKey(this DbCommand command, SiloAddress silo) =>
        command
            .With("@address", silo.Endpoint.Address.ToString())
            .With("@port", silo.Endpoint.Port)
            .With("@generation", silo.Generation);

    /// <summary>Adds the parameters of every non-key column of <paramref name="entry"/>.</summary>
    public static DbCommand WithEntry(this DbCommand command, MembershipEntry entry) =>
        command
            .With("@silo_name", entry.SiloName ?? string.Empty)
            .With("@host_name", entry.HostName ?? string.Empty)
            .With("@status", (int)entry.Status)
            .With("@proxy_port", entry.ProxyPort)
            .With("@role_name", entry.RoleName)
            .With("@update_zone", entry.UpdateZone)
            .With("@fault_zone", entry.FaultZone)
            .With("@suspect_times", WriteVotes(entry.SuspectTimes))
            .With("@start_at", OrleansTime.ToUnixMilliseconds(entry.StartTime))
            .With("@i_am_alive_at", OrleansTime.ToUnixMilliseconds(entry.IAmAliveTime))
            .With("@last_update_at", LastUpdate(entry));

    /// <summary>Reads the entry and its row ETag from <see cref="Columns"/>, starting at column <paramref name="first"/>.</summary>
    public static Tuple<MembershipEntry, string> Read(DbDataReader reader, int first)
    {
        var entry = new MembershipEntry
        {
            SiloAddress = SiloAddress.New(
                new IPEndPoint(IPAddress.Parse(reader.GetString(first)), reader.GetInt32(first + 1)),
                reader.GetInt32(first + 2)),
            SiloName = reader.GetString(first + 3),
            HostName = reader.GetString(first + 4),
            Status = (SiloStatus)reader.GetInt32(first + 5),
            ProxyPort = reader.GetInt32(first + 6),
            RoleName = reader.GetNullableString(first + 7),
            UpdateZone = reader.GetInt32(first + 8),
            FaultZone = reader.GetInt32(first + 9),
            SuspectTimes = ReadVotes(reader.GetNullableString(first + 10)),
            StartTime = OrleansTime.FromUnixMilliseconds(reader.GetInt64(first + 11)),
            IAmAliveTime = OrleansTime.FromUnixMilliseconds(reader.GetInt64(first + 12)),
        };
        return Tuple.Create(entry, VersionETag.Format(reader.GetInt64(first + 13)));
    }

    /// <summary>
    /// The latest time the entry is known to have changed (start, i-am-alive, or a suspicion vote): what
    /// <c>CleanupDefunctSiloEntries</c> ages rows by, as Orleans' cleanup agent computes its cut-off from the same times.
    /// </summary>
    public static long LastUpdate(MembershipEntry entry)
    {
        var latest = Math.Max(OrleansTime.ToUnixMilliseconds(entry.StartTime), OrleansTime.ToUnixMilliseconds(entry.IAmAliveTime));
        foreach (var (_, time) in entry.SuspectTimes ?? [])
        {
            latest = Math.Max(latest, OrleansTime.ToUnixMilliseconds(time));
        }

        return latest;
    }

    // Suspicion votes as "silo,time|silo,time": SiloAddress.ToParsableString() has neither separator. NULL and the
    // empty string stay apart, so a missing list reads back missing and an empty one empty.
    private static string? WriteVotes(List<Tuple<SiloAddress, DateTime>>? votes) =>
        votes is null
            ? null
            : string.Join(VoteSeparator, votes.Select(vote =>
                string.Create(CultureInfo.InvariantCulture, $"{vote.Item1.ToParsableString()}{FieldSeparator}{OrleansTime.ToUnixMilliseconds(vote.Item2)}")));

    private static List<Tuple<SiloAddress, DateTime>>? ReadVotes(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var votes = new List<Tuple<SiloAddress, DateTime>>();
        foreach (var vote in text.Split(VoteSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var split = vote.LastIndexOf(FieldSeparator);
            votes.Add(Tuple.Create(
                SiloAddress.FromParsableString(vote[..split]),
                OrleansTime.FromUnixMilliseconds(long.Parse(vote[(split + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture))));
        }

        return votes;
    }
}
