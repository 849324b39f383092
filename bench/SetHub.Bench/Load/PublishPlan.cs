namespace SetHub.Bench.Load;

/// <summary>The n-th publish of a load: its txn and body. Scenarios decide which subject (so which streams) it reaches.</summary>
public delegate (string Txn, byte[] Body) PublishPlan(long n);
