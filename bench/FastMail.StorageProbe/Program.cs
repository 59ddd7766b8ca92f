using FastMail.StorageProbe;

// Usage (one mode per run; every mode prints one "RESULT ..." line per figure):
//   fill <dir> <count> [--crash]   deliver <count> 1 KB messages over 1000 mailboxes with 64 concurrent writers;
//                                   --crash exits right after the last ACK without closing (no final checkpoint)
//   open <dir> [--no-checkpoint]   time the store's open (recovery); --no-checkpoint deletes mail/index first (full replay)
//   mailbox <dir> <count>          fill mailbox "big" to <count> messages, time open+count+sizes+ids, append cost at 100 vs <count>
//   ack <dir>                      append one message, print "ACK <id>" once it is durable, then exit without closing
//   checksum                       throughput of FASTER's per-entry XOR checksum against 1 KB entries
return await Probe.RunAsync(args);
