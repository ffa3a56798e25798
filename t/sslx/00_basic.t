# Basic HTTPS service: a page, the CGI environment every TLS request gets
# (HTTPS=on, SSL_TLS_SNI) and what it does not get without SSLXOptions.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use Apache::TestRequest;
use LWP::UserAgent ();
use SSLXTest;

plan tests => 21, need_cgi;

my $port = port('sslx_main');

# curl, the way a user would fetch a page.
my $r = curl_https(port => $port, host => 'localhost', path => '/ok.txt');
is($r->{rc}, 0, 'curl completes the TLS handshake and verifies the server')
    or diag($r->{err});
is($r->{code}, 200, 'GET /ok.txt over HTTPS: 200');
is($r->{body}, "ok\n", 'body is the file');
is($r->{headers}->{'x-vhost'}, 'main', 'served by the mod_sslx vhost');

# LWP (IO::Socket::SSL underneath) with hostname verification.
my $ua = LWP::UserAgent->new(
    timeout  => 15,
    ssl_opts => { SSL_ca_file => pki('ca.crt'), verify_hostname => 1 },
);
my $res = $ua->get("https://localhost:$port/ok.txt");
is($res->code, 200, 'LWP GET over HTTPS: 200') or diag($res->status_line);
is($res->content, "ok\n", 'LWP body');
is($ua->head("https://localhost:$port/ok.txt")->code, 200, 'HEAD: 200');

# The variables mod_ssl always sets, without any SSLXOptions.
$r = curl_https(port => $port, host => 'localhost', path => '/plain/env.cgi');
is($r->{code}, 200, 'CGI over HTTPS: 200');
my $env = $r->{env};
is($env->{HTTPS}, 'on', 'HTTPS=on without SSLXOptions');
is($env->{SSL_TLS_SNI}, 'localhost', 'SSL_TLS_SNI is the name the client sent');
is($env->{REQUEST_SCHEME}, 'https', 'REQUEST_SCHEME=https');
is($env->{SERVER_PORT}, $port, 'SERVER_PORT is the TLS port');
ok(!exists $env->{SSL_PROTOCOL},
   'no SSL_PROTOCOL without SSLXOptions +StdEnvVars')
    or diag("SSL_PROTOCOL=$env->{SSL_PROTOCOL}");
ok(!exists $env->{SSL_SERVER_CERT}, 'no SSL_SERVER_CERT without +ExportCertData');

# Without SNI (an IP address in the URL) the vhost still answers.
$r = curl_https(port => $port, host => '127.0.0.1', path => '/plain/env.cgi');
is($r->{code}, 200, 'no SNI: 200 from the IP-based vhost') or diag($r->{err});
ok(!defined $r->{env}->{SSL_TLS_SNI} || $r->{env}->{SSL_TLS_SNI} eq '',
   'no SNI: SSL_TLS_SNI is empty');

# The response arrives at once: nothing waits for the keep-alive timeout
# (5 s in this server) before the response is flushed to the client.
my $t = run_cmd(['curl', '-sS', '--max-time', 20, '--http1.1',
                 '--cacert', pki('ca.crt'),
                 '--resolve', "localhost:$port:127.0.0.1",
                 '-w', '%{http_code} %{time_total}', '-o', '/dev/null',
                 "https://localhost:$port/ok.txt"]);
my($tcode, $ttime) = split ' ', $t->{out};
ok(($tcode // '') eq '200' && ($ttime // 99) < 2,
   'a keep-alive request is answered at once (under 2 s)')
    or diag("status $tcode after ${ttime}s");

# Several requests on one connection (keep-alive): curl reports one new
# connection for the first transfer and none for the others.
my $url = "https://localhost:$port/ok.txt";
my $k = run_cmd(['curl', '-sS', '--max-time', 20, '--http1.1',
                 '--cacert', pki('ca.crt'),
                 '--resolve', "localhost:$port:127.0.0.1",
                 '-w', '%{http_code}/%{num_connects} ',
                 ('-o', '/dev/null') x 3, ($url) x 3]);
is($k->{out}, '200/1 200/0 200/0 ', 'keep-alive: three requests, one connection')
    or diag($k->{err});

# The plain HTTP port of the same server is not touched by mod_sslx.
Apache::TestRequest::user_agent(reset => 1, timeout => 15);
my $plain = GET('/plain/env.cgi');
is($plain->code, 200, 'plain HTTP port still serves');
my $penv = SSLXTest::parse_env($plain->content);
ok(!exists $penv->{HTTPS} || $penv->{HTTPS} ne 'on', 'plain port: HTTPS not on');
ok(!exists $penv->{SSL_TLS_SNI}, 'plain port: no SSL_TLS_SNI');
