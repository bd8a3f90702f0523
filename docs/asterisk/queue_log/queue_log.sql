-- The table Asterisk writes its queue_log into through realtime (res_config_pgsql), in calldesk's
-- PostgreSQL database: the same table `calldesk db upgrade` makes (migration 0013), which leaves
-- one made from this file alone. Asterisk checks the table once, as it starts: make it first.
--
-- Asterisk 22 INSERTs time, callid, queuename, agent, event, data1..data5 when `time` is a
-- timestamp and data1..data5 hold at least 20 characters; otherwise (the table or PostgreSQL was
-- not there when it started) time, callid, queuename, agent, event and `data`, the fields joined
-- with '|', until `logger reload`. calldesk reads both (console/server/reconcile.py).
-- `time` holds UTC (logger.conf: queue_log_realtime_use_gmt = yes); do not make it timestamptz.
CREATE TABLE queue_log (
    id        bigserial     CONSTRAINT pk_queue_log PRIMARY KEY,
    time      timestamp     NOT NULL,
    callid    varchar(80)   NOT NULL,
    queuename varchar(256)  NOT NULL,
    agent     varchar(256)  NOT NULL,
    event     varchar(32)   NOT NULL,
    data1     varchar(256),
    data2     varchar(256),
    data3     varchar(256),
    data4     varchar(256),
    data5     varchar(256),
    data      varchar(1280)
);
CREATE INDEX ix_queue_log_time ON queue_log (time);
CREATE INDEX ix_queue_log_callid ON queue_log (callid);
