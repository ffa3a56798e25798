# Session resumption: TLS 1.2 session IDs from the SSLXSessionCache
# (shmcb, shared by all children), TLS 1.2 and TLS 1.3 session tickets,
# SSLXSessionTickets off, SSLXSessionCacheTimeout, and
# SSLXSessionTicketKeyFile: servers with the same key file resume each
# other's tickets, a ticket made with another key is declined quietly
# (a full handshake), and a graceful restart keeps the tickets valid.
# The vhosts are in t/conf/resumption.last.conf.in; the ticket key tests
# run separate httpd instances (the key file is a global setting).
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use File::Spec::Functions qw(catfile);
use IO::Select ();
use IO::Socket::SSL ();
use Net::SSLeay ();
use SSLXTest;
use Time::HiRes qw(time sleep);

plan tests => 57, need_cgi,
    need { 'openssl is needed'    => have_cmd('openssl'),
           'gnutls-cli is needed' => have_cmd('gnutls-cli') };

my $log0 = log_offset();
my $tmp = SSLXTest::tmp_dir();
my $alog = catfile(t_logs(), 'sslx_resume_log');
my %port = map { $_ => port($_) }
           qw(sslx_resume sslx_resume_noticket sslx_resume_short
              cc_optional cc_require cc_no_ca);
my $n = 0;

sub get_req { "GET $_[0] HTTP/1.0\r\nHost: localhost\r\n\r\n" }

# One s_client connection that saves (-sess_out) or offers (-sess_in) a
# session; -quiet, since s_client prints TLS 1.3 tickets on a buffered
# stream that can end up in the middle of the response.  Returns
# s_client()'s result plus {env} for env.cgi, {tag}, the query string that
# finds the request in an access log, and {resumed}: SSL_SESSION_RESUMED
# from the CGI environment or else from the access log $log.
sub sess {
    my($port, $file, $inout, $path, $log, @args) = @_;
    my $tag = 'r' . ++$n;
    my $r = s_client(port => $port, sni => 'localhost',
                     request => get_req("$path?$tag"),
                     args => ['-quiet', @args, "-sess_$inout", $file]);
    $r->{tag} = $tag;
    $r->{code} = ($r->{response} || {})->{code} // '';
    $r->{env} = SSLXTest::parse_env(($r->{response} || {})->{body});
    $r->{resumed} = $r->{env}->{SSL_SESSION_RESUMED}
        // ($log ? access_log_entry($log, $tag)->[1] : undef) // '';
    return $r;
}

# The ticket lifetime hint s_client reports for a new session.
sub lifetime_hint {
    my($port, $file, @args) = @_;
    my $r = s_client(port => $port, sni => 'localhost',
                     request => get_req('/ok.txt'),
                     args => [@args, '-sess_out', $file]);
    return $r->{out} =~ /TLS session ticket lifetime hint: (\d+) \(seconds\)/
           ? $1 : 'none';
}


# ---- TLS 1.2 session IDs ---------------------------------------------------
my $f = catfile($tmp, 'sess-id.pem');
my $first = sess($port{sslx_resume_noticket}, $f, 'out', '/std/env.cgi', undef,
                 '-tls1_2', '-no_ticket');
is($first->{resumed}, 'Initial', 'TLS 1.2, no tickets: SSL_SESSION_RESUMED=Initial first')
    or diag($first->{out}, $first->{err});
my $again = sess($port{sslx_resume_noticket}, $f, 'in', '/std/env.cgi', undef,
                 '-tls1_2', '-no_ticket');
is($again->{resumed}, 'Resumed', '... Resumed when the client offers the session ID')
    or diag($again->{out}, $again->{err});
is($again->{env}->{SSL_PROTOCOL}, 'TLSv1.2', '... over TLS 1.2');
is($again->{env}->{SSL_SESSION_ID}, $first->{env}->{SSL_SESSION_ID},
   '... with the same SSL_SESSION_ID');
is(access_log_entry($alog, $again->{tag})->[1], 'Resumed',
   '... and %{SSL_SESSION_RESUMED}x says Resumed in the access log');

is(lifetime_hint($port{sslx_resume_noticket}, $f, '-tls1_2'), 'none',
   'SSLXSessionTickets off: no ticket for a client that asks for one');
$again = sess($port{sslx_resume_noticket}, $f, 'in', '/ok.txt', $alog, '-tls1_2');
is($again->{resumed}, 'Resumed', '... it resumes by session ID instead');

# ---- mod_status shows the session cache ---------------------------------------------
my $st = curl_https(port => $port{sslx_resume}, path => '/server-status?auto');
like($st->{body} // '', qr/^TLSSessionCacheStatus\nCacheType: SHMCB\n/m,
     'mod_status ?auto: the session cache under mod_ssl\'s heading, SHMCB')
    or diag($st->{body}, $st->{err});
like($st->{body} // '', qr/^CacheCurrentEntries: [1-9]\d*$/m,
     '... holding the sessions made above');
$st = curl_https(port => $port{sslx_resume}, path => '/server-status');
like($st->{body} // '', qr{<h2>SSL/TLS Session Cache Status \(mod_sslx\):</h2>}s,
     'mod_status HTML page: the session cache section');

# ---- tickets -------------------------------------------------------------------
for my $v (['TLS 1.2', '-tls1_2', 'TLSv1.2'], ['TLS 1.3', '-tls1_3', 'TLSv1.3']) {
    my($name, $opt, $proto) = @$v;
    $f = catfile($tmp, "ticket$opt.pem");
    is(lifetime_hint($port{sslx_resume}, $f, $opt), 300,
       "$name: a ticket, valid for SSLXSessionCacheTimeout (300 s)");
    $again = sess($port{sslx_resume}, $f, 'in', '/std/env.cgi', undef, $opt);
    is($again->{resumed}, 'Resumed', "$name: the ticket resumes the session")
        or diag($again->{out}, $again->{err});
    is($again->{env}->{SSL_PROTOCOL}, $proto, "$name: ... over $proto");
    is($again->{env}->{SSL_SERVER_S_DN_CN}, 'localhost',
       "$name: the resumed connection knows the server certificate");
}

# gnutls-cli --resume: a second connection offering the first's session.
for my $v (['TLS 1.2', 'NORMAL:-VERS-ALL:+VERS-TLS1.2'],
           ['TLS 1.3', 'NORMAL:-VERS-ALL:+VERS-TLS1.3']) {
    my($name, $prio) = @$v;
    my $g = gnutls_cli(port => $port{sslx_resume}, sni => 'localhost',
                       priority => $prio, args => ['--resume'],
                       request => get_req('/std/env.cgi'));
    like($g->{out} . $g->{err}, qr/\*\*\* This is a resumed session/,
         "$name: gnutls-cli --resume resumes") or diag($g->{out}, $g->{err});
    is(SSLXTest::parse_env(($g->{response} || {})->{body})->{SSL_SESSION_RESUMED},
       'Resumed', "$name: ... SSL_SESSION_RESUMED=Resumed");
}

# ---- resumption in any child --------------------------------------------------
# Every resumption of one session, over a number of connections; the access
# log's %P shows which child served each.
for my $v (['TLS 1.2 session ID', '-tls1_2', '-no_ticket'],
           ['TLS 1.3 ticket', '-tls1_3']) {
    my($name, @opts) = @$v;
    $f = catfile($tmp, "children$opts[0].pem");
    $first = sess($port{sslx_resume}, $f, 'out', '/ok.txt', $alog, @opts);
    my $maker = access_log_entry($alog, $first->{tag})->[0] // '?';
    my(%pids, @not);
    for (1 .. 12) {
        my $r = sess($port{sslx_resume}, $f, 'in', '/ok.txt', $alog, @opts);
        push @not, $r->{tag} unless $r->{resumed} eq 'Resumed';
        $pids{access_log_entry($alog, $r->{tag})->[0] // '?'}++;
    }
    is(scalar(@not), 0, "$name: 12 connections all resume one session")
        or diag("not resumed: @not");
    diag("$name: made by pid $maker, resumed by pids "
         . join(', ', map { "$_ ($pids{$_}x)" } sort keys %pids))
        if $ENV{SSLX_TEST_VERBOSE};
}

# ---- SSLXSessionCacheTimeout --------------------------------------------------
my $fid = catfile($tmp, 'short-id.pem');
my $ft = catfile($tmp, 'short-ticket.pem');
sess($port{sslx_resume_short}, $fid, 'out', '/ok.txt', $alog, '-tls1_2', '-no_ticket');
is(lifetime_hint($port{sslx_resume_short}, $ft, '-tls1_3'), 2,
   'SSLXSessionCacheTimeout 2: the ticket lifetime hint says 2 s');
is(sess($port{sslx_resume_short}, $fid, 'in', '/ok.txt', $alog, '-tls1_2', '-no_ticket')->{resumed},
   'Resumed', '... a session ID resumes at once');
is(sess($port{sslx_resume_short}, $ft, 'in', '/ok.txt', $alog, '-tls1_3')->{resumed},
   'Resumed', '... a ticket resumes at once');
sleep 3.5;
is(sess($port{sslx_resume_short}, $fid, 'in', '/std/env.cgi', undef, '-tls1_2', '-no_ticket')->{resumed},
   'Initial', '... after 3.5 s the session ID is gone: full handshake, Initial');
is(sess($port{sslx_resume_short}, $ft, 'in', '/std/env.cgi', undef, '-tls1_3')->{resumed},
   'Initial', '... and the ticket has expired: full handshake, Initial');

# ---- client certificates -------------------------------------------------------
# A resumed session keeps its client certificate: no certificate message
# is exchanged, and the variables still describe it.
for my $v (['TLS 1.2', '-tls1_2'], ['TLS 1.3', '-tls1_3']) {
    my($name, $opt) = @$v;
    $f = catfile($tmp, "cert$opt.pem");
    sess($port{cc_optional}, $f, 'out', '/cc/env/env.cgi', undef, $opt,
         client_cert_args(s_client => 'alice'));
    $again = sess($port{cc_optional}, $f, 'in', '/cc/env/env.cgi', undef, $opt);
    my $e = $again->{env};
    is($again->{resumed}, 'Resumed', "$name: session with a client certificate resumed")
        or diag($again->{out}, $again->{err});
    is(($e->{SSL_CLIENT_VERIFY} // '') . ' ' . ($e->{SSL_CLIENT_S_DN_CN} // ''),
       'SUCCESS alice', "$name: ... SSL_CLIENT_VERIFY and SSL_CLIENT_S_DN_CN kept");
    is($e->{SSL_CLIENT_CERT}, file_pem(pki('client-alice.crt')),
       "$name: ... SSL_CLIENT_CERT kept");
}

# A session made on a vhost that asked for no certificate (or accepted an
# unverified one) must not open a vhost that requires a verified one.
for my $v (['TLS 1.3 ticket', 'sslx_resume', undef, '-tls1_3'],
           ['TLS 1.2 ticket', 'sslx_resume', undef, '-tls1_2'],
           ['TLS 1.2 session ID', 'sslx_resume', undef, '-tls1_2', '-no_ticket'],
           ['TLS 1.3, optional vhost, no certificate', 'cc_optional', undef, '-tls1_3'],
           ['TLS 1.3, optional_no_ca vhost, unknown issuer', 'cc_no_ca', 'stranger', '-tls1_3']) {
    my($name, $from, $cert, @opts) = @$v;
    $f = catfile($tmp, 'cross-' . ++$n . '.pem');
    sess($port{$from}, $f, 'out', '/ok.txt', undef, @opts,
         client_cert_args(s_client => $cert));
    my $r = sess($port{cc_require}, $f, 'in', '/cc/env/env.cgi', undef, @opts);
    isnt($r->{code}, 200,
         "session from another vhost ($name), offered without a certificate "
         . "to a vhost with SSLXVerifyClient require: no access")
        or diag("SSL_SESSION_RESUMED: $r->{resumed}, SSL_CLIENT_VERIFY: "
                . ($r->{env}->{SSL_CLIENT_VERIFY} // 'unset'));
}

# ---- SSLXSessionTicketKeyFile: separate servers ---------------------------------
my $keyA = catfile($tmp, 'ticket-a.key');
random_ticket_key($keyA);

# standalone(NAME, KEYFILE|undef): a server of its own (start_tls_server:
# one TLS vhost, several children with few threads each) with a session
# cache and the ticket key file, or else a random ticket key.
my @servers;
sub slog { $_[0]->{alog} }
sub standalone {
    my($name, $key) = @_;
    my $dir = catfile(t_dir(), 'standalone', "resume-$name");
    my $h = start_tls_server("resume-$name", <<EOC);
SSLXSessionCache "shmcb:$dir/logs/scache(512000)"
@{[ $key ? qq(SSLXSessionTicketKeyFile "$key") : '# a random ticket key' ]}
EOC
    push @servers, $h;
    return $h;
}

my $sa = standalone('a', $keyA);
my $sb = standalone('b', $keyA);
my $sc = standalone('c', undef);
ok($sa->{up} && $sb->{up} && $sc->{up},
   'three more servers: two with the same SSLXSessionTicketKeyFile, one without')
    or diag(map { "$_->{name}: " . ($_->{stderr} // '')
                  . (read_file($_->{elog}) // '') } @servers);

for my $v (['TLS 1.2', '-tls1_2'], ['TLS 1.3', '-tls1_3']) {
    my($name, $opt) = @$v;
    $f = catfile($tmp, "keyfile$opt.pem");
    sess($sa->{port}, $f, 'out', '/ok.txt', slog($sa), $opt);
    my $r = sess($sb->{port}, $f, 'in', '/ok.txt', slog($sb), $opt);
    is($r->{resumed}, 'Resumed',
       "$name: a ticket from one server resumes on another with the same key file");
    $r = sess($sc->{port}, $f, 'in', '/ok.txt', slog($sc), $opt);
    is($r->{code}, 200,
       "$name: a server with another key answers a client offering the ticket")
        or diag($r->{out}, $r->{err});
    is($r->{resumed}, 'Initial',
       "$name: ... after a full handshake (SSL_SESSION_RESUMED=Initial)");
}
$f = catfile($tmp, 'main-ticket.pem');
sess($port{sslx_resume}, $f, 'out', '/ok.txt', $alog, '-tls1_3');
my $r = sess($sa->{port}, $f, 'in', '/ok.txt', slog($sa), '-tls1_3');
is("$r->{code} $r->{resumed}", '200 Initial',
   'a ticket from the test server (its own random key): full handshake on a key-file server');
my @bad = map { sslx_log_problems(read_file($_->{elog}) // '') } $sb, $sc, $sa;
is(scalar(@bad), 0, 'declined tickets are no error: nothing at warn level or worse')
    or diag(join "\n", @bad);

# ---- connections held open together land in different children ----------------
# IO::Socket::SSL uses a TLS 1.3 ticket once: read what the server sent
# after the handshake (its new tickets) before the next connection.
sub take_tickets {
    my $s = shift;
    $s->blocking(0);
    my $deadline = time + 1;
    while (time < $deadline) {
        last unless IO::Select->new($s)->can_read(0.3);
        my $got = sysread $s, my $buf, 4096;
        last if defined $got;   # data or EOF: nothing more to expect
    }
    $s->blocking(1);
}

# A child busy with one connection accepts no more than its threads allow,
# so connections opened one after another and kept open spread over the
# children.  Each resumes the first connection's session.
for my $v (['TLS 1.2 session ID (shared cache)', 'TLSv1_2', 1],
           ['TLS 1.3 ticket', 'TLSv1_3', 0]) {
    my($name, $version, $no_ticket) = @$v;
    my $cache = IO::Socket::SSL::Session_Cache->new(4);
    my %ssl = (SSL_version => $version, SSL_session_cache => $cache,
               SSL_session_key => "held-$version",
               $no_ticket ? (SSL_create_ctx_callback => sub {
                   Net::SSLeay::CTX_set_options($_[0], Net::SSLeay::OP_NO_TICKET());
               }) : ());
    my $s0 = tls_connect(port => $sa->{port}, %ssl);
    my $tag0 = 'h' . ++$n;
    if ($s0) {
        print {$s0} get_req("/ok.txt?$tag0");
        read_all($s0, 10);
        close $s0;
    }
    my $maker = access_log_entry(slog($sa), $tag0)->[0] // '?';
    my @held;
    for (1 .. 6) {
        my $s = tls_connect(port => $sa->{port}, %ssl) or last;
        take_tickets($s) unless $no_ticket;
        push @held, $s;
    }
    my(@tags, $reused);
    $reused = grep { $_->get_session_reused } @held;
    for my $s (@held) {
        my $tag = 'h' . ++$n;
        push @tags, $tag;
        print {$s} get_req("/ok.txt?$tag");
    }
    read_all($_, 10) for @held;
    close $_ for @held;
    my @entries = map { access_log_entry(slog($sa), $_) } @tags;
    my %pids = map { ($_->[0] // '?') => 1 } @entries;
    is($reused . ' ' . scalar(grep { ($_->[1] // '') eq 'Resumed' } @entries),
       '6 6', "$name: six connections held open together all resume")
        or diag(scalar(@held) . " connections, $reused reused by the client");
    diag("$name, held connections: made by pid $maker, resumed by pids "
         . join(' ', sort keys %pids)) if $ENV{SSLX_TEST_VERBOSE};
    ok(scalar(grep { $_ ne $maker } keys %pids) >= 1 && keys(%pids) >= 2,
       "$name: ... in several children, not only the one that made the session")
        or diag("made by $maker, resumed by " . join(' ', sort keys %pids));
}

# ---- a graceful restart keeps the ticket key ---------------------------------------
$f = catfile($tmp, 'restart.pem');
sess($sc->{port}, $f, 'out', '/ok.txt', slog($sc), '-tls1_3');
my $fa = catfile($tmp, 'restart-a.pem');
sess($sa->{port}, $fa, 'out', '/ok.txt', slog($sa), '-tls1_3');
my $restarted = 1;
for my $h ($sc, $sa) {
    my $elog = $h->{elog};
    my $before = () = (read_file($elog) // '') =~ /resuming normal operations/g;
    kill 'USR1', $h->{pid};
    my $deadline = time + 20;
    my $now = $before;
    while (time < $deadline && $now <= $before) {
        sleep 0.2;
        $now = () = (read_file($elog) // '') =~ /resuming normal operations/g;
    }
    $restarted &&= $now > $before && wait_for_port($h->{port}, 10);
}
ok($restarted, 'graceful restart (SIGUSR1) of two of the servers');
sleep 1;    # the old generation's children finish
$r = sess($sc->{port}, $f, 'in', '/ok.txt', slog($sc), '-tls1_3');
is($r->{resumed}, 'Resumed',
   'a ticket from before the restart resumes (random key kept across restarts)');
$r = sess($sa->{port}, $fa, 'in', '/ok.txt', slog($sa), '-tls1_3');
is($r->{resumed}, 'Resumed', '... and with the key file read again');

# ---- nothing here is an error ---------------------------------------------------------
@bad = sslx_log_problems(log_since($log0));
is(scalar(@bad), 0, 'no mod_sslx warning or error in the test server\'s log')
    or diag(join "\n", @bad);
