# mod_sslx in front of backends: the reverse proxy.
#
# One stand-alone server (the front end, mod_sslx) proxies to backends
# served by a second httpd with mod_sslx and, where Debian's mod_ssl is
# installed, a third with mod_ssl.  Each backend server has one port per
# kind of backend certificate: good, issued by a foreign CA, revoked,
# expired, issued for another name, and one that requires a client
# certificate.  A plain http:// backend sits behind the same TLS vhost.
# What a user sees is checked: the status, the body, and for a refused
# backend the one log line that names it and the reason.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Digest::SHA qw(sha256_hex);
use File::Spec::Functions qw(catfile);
use SSLXTest;
use IO::Socket::SSL;
use POSIX ();
use Time::HiRes qw(sleep);

my $moddir = Apache::Test::vars('sslx_modulesdir');
my @proxy_mods = qw(mod_proxy.so mod_proxy_http.so mod_proxy_http2.so
                    mod_proxy_wstunnel.so);
my @modules = ('sslx', have_modssl() ? ('modssl') : ());
my @kinds = qw(good foreign revoked expired wrongname needcert aes128 chacha12);

plan tests => 14 + 28 * @modules,
    need { 'mod_proxy is needed' => !grep { !-f "$moddir/$_" } @proxy_mods };

my $pki = pki();
my $docroot = Apache::Test::vars('documentroot');
my $tconf = Apache::Test::vars('t_conf');

my %cert = (
    good      => 'localhost.ecdsa',
    foreign   => 'backend-foreign',
    revoked   => 'backend-revoked',
    expired   => 'backend-expired',
    wrongname => 'a.ecdsa',
    needcert  => 'localhost.ecdsa',
    aes128    => 'localhost.ecdsa',
    chacha12  => 'localhost.ecdsa',
);
my %extra = (
    needcert => "SSLVerifyClient require\n"
              . "SSLCACertificateFile $pki/client-ca.crt",
    aes128   => 'SSLCipherSuite TLSv1.3 TLS_AES_128_GCM_SHA256',
    chacha12 => 'SSLCipherSuite ECDHE-ECDSA-CHACHA20-POLY1305',
);

sub common_conf {
    my($dir) = @_;
    return <<EOC;
@{[ standalone_conf_head($dir, 'info sslx:debug') ]}
ServerName localhost
DocumentRoot "$docroot"
TypesConfig "$tconf/mime.types"
ScriptAlias /cgi/ "$docroot/cgi/"
<Directory "$docroot/cgi">
    Options +ExecCGI
</Directory>
LogFormat "%p|%H|%{SSL_CLIENT_S_DN_CN}x|%{SSL_SESSION_RESUMED}x|%r|%>s|%{SSL_CIPHER}x" probe
Alias /t13/ "$docroot/"
EOC
}

# Every server this test starts is stopped when it ends.
my @servers;
END { local $?; stop_httpd($_) for @servers }

# ---- the backends ---------------------------------------------------------
my(%port, %backend);
sub start_backend {
    my $m = shift;
    my $dir = standalone_dir("proxy-backend-$m");
    my $x = $m eq 'sslx' ? 'X' : '';
    my $conf = common_conf($dir);
    $conf .= "LoadModule ssl_module \"$moddir/mod_ssl.so\"\n"
           . "SSLSessionCache none\n" if $m eq 'modssl';
    $conf .= "CustomLog \"$dir/logs/access_log\" probe\n";
    for my $k (@kinds) {
        my $p = $port{$m}{$k} = free_port();
        (my $body = $extra{$k} // '') =~ s/\bSSL(?=[A-Z])/SSL$x/g;
        $conf .= <<EOV;
Listen 127.0.0.1:$p
<VirtualHost 127.0.0.1:$p>
    Protocols h2 http/1.1
    SSL${x}Engine on
    SSL${x}CertificateFile    "$pki/$cert{$k}.crt"
    SSL${x}CertificateKeyFile "$pki/$cert{$k}.key"
$body
</VirtualHost>
EOV
    }
    if ($m eq 'sslx') {
        $port{plain} = free_port();
        $conf .= "Listen 127.0.0.1:$port{plain}\n";
    }
    write_file("$dir/conf/httpd.conf", $conf);
    my $h = start_httpd("$dir/conf/httpd.conf", port => $port{$m}{good},
                        timeout => 30);
    $h->{dir} = $dir;
    $backend{$m} = $h;
    push @servers, $h;
    return $h;
}

# ---- the front end -------------------------------------------------------
my $fdir = standalone_dir('proxy-front');
my $fport = free_port();
my $felog = "$fdir/logs/error_log";

sub routes {
    my $m = shift;
    my $out = '';
    for my $k (@kinds) {
        $out .= "    ProxyPass /$m/$k/ https://localhost:$port{$m}{$k}/\n";
    }
    my $nc = $port{$m}{needcert};
    my $wn = $port{$m}{wrongname};
    return $out . <<EOR;
    ProxyPass /$m/h2/ h2://localhost:$port{$m}{good}/
    ProxyPass /$m/fresh/ https://127.0.0.1:$port{$m}{good}/ disablereuse=On
    ProxyPass /$m/machine/ https://127.0.0.1:$nc/
    <Proxy "https://127.0.0.1:$nc/">
        SSLProxyMachineCertificateFile "$pki/proxy-machine.pem"
    </Proxy>
    ProxyPass /$m/anyname/ https://127.0.0.1:$wn/
    <Proxy "https://127.0.0.1:$wn/">
        SSLXProxyCheckPeerName off
    </Proxy>
    # Shares the worker of /fresh/ (its URL is a prefix), whose
    # connections are never reused: each request has a handshake made
    # under this section's settings.
    ProxyPass /$m/t13/ https://127.0.0.1:$port{$m}{good}/t13/
    ProxyPass /$m/t13aes128/ https://localhost:$port{$m}{aes128}/t13/
    <Proxy "https://*/t13/*">
        SSLProxyCipherSuite TLSv1.3 TLS_CHACHA20_POLY1305_SHA256
    </Proxy>
    ProxyPass /$m/only13/ https://localhost:$port{$m}{aes128}/only13/
    <Proxy "https://*/only13/*">
        SSLProxyProtocol TLSv1.3
        SSLProxyCipherSuite TLSv1.3 TLS_CHACHA20_POLY1305_SHA256
    </Proxy>
    ProxyPass /$m/tls12/ https://localhost:$port{$m}{chacha12}/tls12/
    <Proxy "https://*/tls12/*">
        SSLProxyProtocol TLSv1.2
        SSLProxyCipherSuite ECDHE-ECDSA-AES256-GCM-SHA384
        SSLProxyCipherSuite TLSv1.3 TLS_CHACHA20_POLY1305_SHA256
    </Proxy>
EOR
}

# A WebSocket echo server (t/bin/ws-echo-server, OpenSSL) as the wss://
# backend.
my $wsport = free_port();
my $wsplain = free_port();
my @ws_pids;
for my $args ([$wsport, "$pki/localhost.ecdsa.crt", "$pki/localhost.ecdsa.key"],
              [$wsplain]) {
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        { exec $^X, catfile(t_dir(), 'bin', 'ws-echo-server'), @$args }
        POSIX::_exit(127);
    }
    push @ws_pids, $pid;
}
END { local $?; kill 'TERM', @ws_pids; waitpid($_, 0) for @ws_pids }

sub start_front {
    my $mods = join "\n", map { (my $n = $_) =~ s/^mod_(\w+)\.so$/$1_module/;
                                "LoadModule $n \"$moddir/$_\"" } @proxy_mods;
    my $routes = join '', map { routes($_) } @modules;
    write_file("$fdir/conf/httpd.conf", <<EOC);
@{[ common_conf($fdir) ]}
$mods
CustomLog "$fdir/logs/access_log" probe
ProxyTimeout 15
SSLXSessionCache "shmcb:$fdir/logs/scache(512000)"
Listen 127.0.0.1:$fport
<VirtualHost 127.0.0.1:$fport>
    ServerName localhost
    SSLXEngine on
    SSLXCertificateFile    "$pki/localhost.ecdsa.crt"
    SSLXCertificateKeyFile "$pki/localhost.ecdsa.key"
    SSLXProxyEngine on
    SSLXProxyVerify require
    SSLXProxyCACertificateFile "$pki/ca.crt"
    SSLProxyCARevocationFile "$pki/ca.crl"
    SSLProxyCARevocationCheck leaf
    ProxyPass /plain/ http://127.0.0.1:$port{plain}/
    ProxyPass /ws/ wss://localhost:$wsport/
    ProxyPass /wsplain/ ws://127.0.0.1:$wsplain/
$routes
</VirtualHost>
EOC
    return start_httpd("$fdir/conf/httpd.conf", port => $fport,
                       timeout => 30);
}

my $log0 = 0;
sub front_log_has {
    my $re = shift;
    my $deadline = time + 5;
    while (time < $deadline) {
        my $log = read_file($felog) // '';
        return 1 if substr($log, $log0) =~ $re;
        sleep 0.1;
    }
    return 0;
}

sub get {
    my($path, @args) = @_;
    $log0 = -s $felog || 0;
    return curl_https(port => $fport, path => $path, timeout => 30,
                      @args);
}

sub show { my $r = shift; diag("$r->{cmd}\n$r->{code} $r->{err}\n",
                               substr($r->{body} // '', 0, 300)) }

my $ok_body = read_file("$docroot/ok.txt");

for my $m (@modules) {
    my $h = start_backend($m);
    ok($h->{up}, "the $m backend server starts")
        or diag($h->{stderr}, read_file("$h->{dir}/logs/error_log") // '');
}
my $front = start_front();
push @servers, $front;
ok($front->{up}, 'the front end starts')
    or diag($front->{stderr}, read_file($felog) // '');

# ---- plain backend behind a TLS vhost -------------------------------------
my $r = get('/plain/ok.txt');
is($r->{code}, '200', 'a plain http:// backend answers through the TLS vhost')
    or show($r);
is($r->{body}, $ok_body, '... with its page');
$r = get('/plain/cgi/echo.cgi',
         args => ['--data-binary', '@' . "$docroot/ok.txt"]);
like($r->{body} // '', qr/^length=\d+/m, '... and takes a POST') or show($r);

my %refusal = (
    foreign   => qr/unable to get local issuer certificate/,
    revoked   => qr/certificate revoked/,
    expired   => qr/certificate has expired/,
    wrongname => qr/certificate does not match for hostname localhost/,
    needcert  => qr/the backend sent alert '[^']+'/,
);

my $post = join '', map { chr(($_ * 7 + 3) % 256) } 1 .. 200 * 1024;
my $post_file = "$fdir/post.bin";
write_file($post_file, $post);

for my $m (@modules) {
    my $alog = "$backend{$m}{dir}/logs/access_log";
    $r = get("/$m/good/ok.txt");
    is($r->{code}, '200', "$m backend, good certificate: 200") or show($r);
    is($r->{body}, $ok_body, '... with the backend page');
    for my $k (grep { $refusal{$_} } @kinds) {
        my $p = $port{$m}{$k};
        $r = get("/$m/$k/ok.txt");
        is($r->{code}, '502', "$m backend, $k: 502") or show($r);
        ok(front_log_has(qr/SSLX02206: TLS to backend localhost \(127\.0\.0\.1:$p\) failed: $refusal{$k}/),
           "... one log line names the backend and says why")
            or diag(substr(read_file($felog) // '', $log0));
    }
    $r = get("/$m/machine/ok.txt");
    is($r->{code}, '200',
       "$m backend requiring a client certificate: 200 with the machine "
       . 'certificate of the <Proxy> section') or show($r);
    like(read_file($alog) // '', qr/^\d+\|HTTP\/1\.1\|alice\|[^|]*\|GET \/ok\.txt/m,
         '... which the backend saw (alice)');
    $r = get("/$m/t13/ok.txt");
    is($r->{code}, '200', "$m backend: 200 under SSLProxyCipherSuite TLSv1.3 "
       . 'in a <Proxy> section') or show($r);
    like(read_file($alog) // '', qr{\|GET /t13/ok\.txt HTTP/1\.1\|200\|TLS_CHACHA20_POLY1305_SHA256$}m,
         '... and the backend served it on the suite that list names');
    my $p128 = $port{$m}{aes128};
    $r = get("/$m/t13aes128/ok.txt");
    is($r->{code}, '502', "$m backend that only takes TLS_AES_128_GCM_SHA256: 502")
        or show($r);
    ok(front_log_has(qr/SSLX02206: TLS to backend localhost \(127\.0\.0\.1:$p128\) failed: it chose the cipher suite TLS_AES_128_GCM_SHA256, which SSLXProxyCipherSuite TLSv1\.3 leaves out/),
       '... one log line names the backend and says why')
        or diag(substr(read_file($felog) // '', $log0));
    $r = get("/$m/only13/ok.txt");
    is($r->{code}, '502', "$m backend, the same under SSLProxyProtocol TLSv1.3: 502")
        or show($r);
    ok(front_log_has(qr/SSLX02206: TLS to backend localhost \(127\.0\.0\.1:$p128\) failed: the backend sent alert/),
       '... refused by the backend: TLS_AES_128_GCM_SHA256 was not even offered')
        or diag(substr(read_file($felog) // '', $log0));
    # The TLS 1.3 list brings CHACHA20 into the TLS 1.2 offer too; the
    # one-argument list still decides which TLS 1.2 suite is accepted.
    my $p12 = $port{$m}{chacha12};
    $r = get("/$m/tls12/ok.txt");
    is($r->{code}, '502', "$m backend that only takes ECDHE-ECDSA-CHACHA20-POLY1305 "
       . 'over TLS 1.2: 502') or show($r);
    ok(front_log_has(qr/SSLX02206: TLS to backend localhost \(127\.0\.0\.1:$p12\) failed: it chose the cipher suite ECDHE-ECDSA-CHACHA20-POLY1305, which SSLXProxyCipherSuite leaves out/),
       '... one log line names the backend and says why')
        or diag(substr(read_file($felog) // '', $log0));
    $r = get("/$m/anyname/ok.txt");
    is($r->{code}, '200', "$m backend for another name: 200 under "
       . 'SSLXProxyCheckPeerName off in its <Proxy> section') or show($r);
    $r = get("/$m/good/cgi/echo.cgi",
             args => ['--data-binary', "\@$post_file",
                      '-H', 'Content-Type: application/octet-stream']);
    is($r->{body} // '', "length=" . length($post) . "\nsha256="
                         . sha256_hex($post) . "\n",
       "$m backend: a 200 KiB POST arrives byte for byte") or show($r);
    my @resumed;
    for my $i (1 .. 3) {
        $r = get("/$m/fresh/ok.txt?fresh$i");
        push @resumed, $r->{code};
    }
    my @seen = (read_file($alog) // '') =~ /^\d+\|[^|]*\|[^|]*\|([^|]*)\|GET \/ok\.txt\?fresh\d/mg;
    is("@resumed | @seen", '200 200 200 | Initial Resumed Resumed',
       "$m backend: new connections to it resume the session");
  SKIP: {
    # The backends run under the suite's MPM too.
    skip 'mod_http2 does not serve h2 under the prefork MPM', 2
        if Apache::Test::vars('sslx_mpm') eq 'prefork';
    $r = get("/$m/h2/ok.txt");
    is($r->{code}, '200', "$m backend over h2://: 200") or show($r);
    like(read_file($alog) // '', qr/^\d+\|HTTP\/2\.0\|-\|[^|]*\|GET \/ok\.txt/m,
         '... and the backend served it over HTTP/2');
  }
}

# ---- wss:// -----------------------------------------------------------------
# One WebSocket conversation through the front end: opening handshake,
# a masked text frame out, the same text back.
sub websocket_echo {
    my($path, $text, $port) = @_;
    my $s = IO::Socket::SSL->new(PeerAddr => '127.0.0.1',
                                 PeerPort => $port || $fport,
                                 SSL_hostname => 'localhost',
                                 SSL_ca_file => "$pki/ca.crt",
                                 Timeout => 10) or return "connect: $SSL_ERROR";
    $s->timeout(10);
    print $s "GET $path HTTP/1.1\r\nHost: localhost\r\n"
           . "Upgrade: websocket\r\nConnection: Upgrade\r\n"
           . "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
           . "Sec-WebSocket-Version: 13\r\n\r\n";
    my $head = '';
    local $SIG{ALRM} = sub { die "timeout\n" };
    alarm 15;
    my $out = eval {
        while ($head !~ /\r\n\r\n/) {
            sysread($s, $head, 1, length $head) or return "closed: $head";
        }
        return "no 101: $head" unless $head =~ m{^HTTP/1\.1 101 };
        my $mask = 'abcd';
        my $masked = $text ^ substr($mask x length $text, 0, length $text);
        print $s chr(0x81) . chr(0x80 | length $text) . $mask . $masked;
        my $got = '';
        while (length($got) < 2 + length $text) {
            sysread($s, $got, 2 + length($text) - length($got), length $got)
                or return "short frame";
        }
        return substr($got, 2);
    };
    alarm 0;
    close $s;
    return $out // "error: $@";
}

ok(wait_for_port($wsport, 10) && wait_for_port($wsplain, 10),
   'the WebSocket echo backends listen');
for my $n (1, 2) {
    is(websocket_echo('/ws/echo', "hello $n through wss"),
       "hello $n through wss",
       "WebSocket conversation $n goes through to a wss:// backend");
}
is(websocket_echo('/wsplain/echo', 'hello through ws'), 'hello through ws',
   '... and to a plain ws:// backend behind the TLS vhost');

# ---- conf-examples/reverse-proxy.conf, as a user would include it --------------
my $edir = standalone_dir('proxy-example');
my $eport = free_port();
my $example = catfile(t_dir(), '..', 'conf-examples', 'reverse-proxy.conf');
my $eloads = join "\n", map { (my $n = $_) =~ s/^mod_(\w+)\.so$/$1_module/;
                              "LoadModule $n \"$moddir/$_\"" } @proxy_mods;
write_file("$edir/conf/httpd.conf", <<EOC);
@{[ standalone_conf_head($edir, 'info') ]}
$eloads
Define SITE_NAME localhost
Define HTTPS_PORT $eport
Define SITE_CERT $pki/localhost.ecdsa.crt
Define SITE_KEY $pki/localhost.ecdsa.key
Define APP_URL http://127.0.0.1:$port{plain}/
Define API_URL https://localhost:$port{sslx}{good}/
Define WS_URL wss://localhost:$wsport/
Define INTERNAL_CA $pki/ca.crt
Include "$example"
EOC
my $eh = start_httpd("$edir/conf/httpd.conf", port => $eport, timeout => 30);
push @servers, $eh;
ok($eh->{up}, 'conf-examples/reverse-proxy.conf starts as it is')
    or diag($eh->{stderr}, read_file("$edir/logs/error_log") // '');
$r = curl_https(port => $eport, path => '/app/ok.txt');
is("$r->{code} $r->{body}", "200 $ok_body", '... its /app/ reaches the plain backend');
$r = curl_https(port => $eport, path => '/api/ok.txt');
is("$r->{code} $r->{body}", "200 $ok_body",
   '... its /api/ the TLS backend, verified');
is(websocket_echo('/ws/echo', 'example', $eport), 'example',
   '... its /ws/ the WebSocket service');

# ---- configuration errors ---------------------------------------------------
my $cdir = standalone_dir('proxy-conf');
write_file("$cdir/conf/httpd.conf", <<EOC);
@{[ common_conf($cdir) ]}
LoadModule proxy_module "$moddir/mod_proxy.so"
SSLXProxyEngine on
SSLXProxyVerify require
Listen 127.0.0.1:@{[ free_port() ]}
EOC
$r = httpd_configtest("$cdir/conf/httpd.conf");
ok($r->{rc} != 0 && ($r->{out} . $r->{err})
       =~ /SSLXProxyVerify needs SSLXProxyCACertificateFile/,
   'SSLXProxyVerify require without CAs is refused at httpd -t')
    or diag($r->{out}, $r->{err});
write_file("$cdir/conf/httpd.conf", <<EOC);
@{[ common_conf($cdir) ]}
LoadModule proxy_module "$moddir/mod_proxy.so"
SSLProxyCipherSuite TLSv1.3 TLS_AES_256_GCM_SHA384:ECDHE-RSA-AES128-SHA
Listen 127.0.0.1:@{[ free_port() ]}
EOC
$r = httpd_configtest("$cdir/conf/httpd.conf");
ok($r->{rc} != 0 && ($r->{out} . $r->{err})
       =~ /SSLProxyCipherSuite TLSv1\.3: 'ECDHE-RSA-AES128-SHA' is no TLS 1\.3 cipher suite/,
   'a TLS 1.2 suite in SSLProxyCipherSuite TLSv1.3 is refused at httpd -t, named')
    or diag($r->{out}, $r->{err});
