-- Mixed traffic for wrk against Quire: every kind of request a client makes, chosen at random by weight, with a
-- tally of every answer by kind and status. Used by MixedLoadIT (30 s) and bench/heavy's soak (30 min).
--
--   wrk -t1 -c32 -d30s --timeout 10s -s bench/mixed.lua http://127.0.0.1:PORT -- \
--       tokens=T1,T2 todos=0:todo_a:1,1:todo_b:1 books=book_x:1,book_y:2 reviews=book_x/rev_z \
--       email=E password=P [delay=0] [seed=1]
--
-- tokens: bearer tokens, one per account (account i is the i-th, from 0); todos: seeded todos
-- ("account:id:version") that are read and never changed; books: "id:version"; reviews: "bookId/reviewId" of
-- reviews every account has written (so a second one is a designed 409); email and password: an account's
-- credentials for sign-ins (the password "wrong" is never it); delay: milliseconds each connection waits between
-- requests (0: closed loop, as fast as the server answers).
--
-- Todos made here go through a pipeline, one request at a time each, so no two requests race on one todo except
-- where the race is the point: create (201) -> replace with If-Match of its version (200) -> patch with the
-- version it had before (412: a stale write refused) -> delete (204) -> read (404: it is gone). Every answer is
-- matched to its request through X-Request-Id, which Quire echoes. The statuses each kind may get are in EXPECTED;
-- anything else is tallied as unexpected, with the first few examples.
--
-- done() prints one line: MIXED {"requests":..,"errors":{..},"latency":{..},"counts":{"kind":{"status":n}},
-- "unexpected":n,"examples":[..]}

local EXPECTED = {
    ["list-todos"] = {[200] = true},
    ["get-todo"] = {[200] = true},
    ["get-todo-304"] = {[304] = true},
    ["create-todo"] = {[201] = true},
    -- one Idempotency-Key per account, sent again and again: a replay (201), or 409 while the same key's first
    -- request is still running (a deliberate race between connections)
    ["create-todo-idempotent"] = {[201] = true, [409] = true},
    ["replace-todo"] = {[200] = true},
    ["patch-todo-stale"] = {[412] = true},
    ["delete-todo"] = {[204] = true},
    ["get-deleted-todo"] = {[404] = true},
    ["search-books"] = {[200] = true},
    ["get-book"] = {[200] = true},
    ["get-book-304"] = {[304] = true},
    ["list-reviews"] = {[200] = true},
    ["get-review"] = {[200] = true},
    ["second-review"] = {[409] = true},
    ["sign-in"] = {[201] = true},
    ["sign-in-wrong-password"] = {[401] = true},
}

-- relative weights of the kinds chosen at random (the pipeline's later steps are taken whenever a todo is ready
-- for them, see todoStep)
local WEIGHTS = {
    {"list-todos", 12}, {"get-todo", 12}, {"get-todo-304", 6}, {"todo-pipeline", 20},
    {"create-todo-idempotent", 2}, {"search-books", 14}, {"get-book", 12}, {"get-book-304", 8},
    {"list-reviews", 6}, {"get-review", 6}, {"second-review", 1},
}
-- Sign-ins come by count, not by chance, and one at a time: a production Argon2 hash costs a hundred reads and only
-- a few run at once (a sign-in that waits 5 s for its turn gets 503, by design), so on a starved machine, where one
-- hash took seconds, two due together would be refused. One is due every SIGN_IN_EVERY requests, a wrong password
-- every WRONG_PASSWORD_EVERY; each is sent once the previous one has been answered.
local SIGN_IN_EVERY = 500
local WRONG_PASSWORD_EVERY = 1000
local signInsDue, wrongPasswordsDue, hashing = 0, 0, false
local WORDS = {"silver", "garden", "river", "empire", "machine", "the", "lost", "tower"}
-- relevance is the order a search has by default; "" leaves the sort out (so relevance too), with the counts a
-- search page shows beside its results
local SORTS = {"relevance", "title", "-year", "author", "-rating", "createdAt", ""}

local tokens, todos, books, reviews = {}, {}, {}, {}
local email, password = nil, nil
local delayMs = 0
local prefix = "mixed"
local sequence = 0
local pending = {}
-- The tallies are globals of plain numbers and strings because done() reads them from each thread with
-- thread:get, and wrk's copy of a nested table corrupts the stack (it crashed, exit 139): one number per kind and
-- status ("count <kind> <status>"), their names in one string, and the unexpected answers' examples in another.
tallied = ""
unexpected = 0
examples = ""
-- todos in the pipeline, waiting for their next step: {account, id, version, previous}
local created, replaced, patched, deleted = {}, {}, {}, {}
local totalWeight = 0

local function split(text, separator)
    local items = {}
    for item in string.gmatch(text, "[^" .. separator .. "]+") do
        items[#items + 1] = item
    end
    return items
end

function setup(thread)
    threadNumber = (threadNumber or 0) + 1
    thread:set("threadNumber", threadNumber)
    threads = threads or {}
    threads[#threads + 1] = thread
end

function init(args)
    for _, arg in ipairs(args) do
        local key, value = string.match(arg, "^([%w_]+)=(.*)$")
        if key == "tokens" then
            tokens = split(value, ",")
        elseif key == "todos" then
            for _, item in ipairs(split(value, ",")) do
                local parts = split(item, ":")
                todos[#todos + 1] = {account = tonumber(parts[1]) + 1, id = parts[2], version = parts[3]}
            end
        elseif key == "books" then
            for _, item in ipairs(split(value, ",")) do
                local parts = split(item, ":")
                books[#books + 1] = {id = parts[1], version = parts[2]}
            end
        elseif key == "reviews" then
            reviews = split(value, ",")
        elseif key == "email" then
            email = value
        elseif key == "password" then
            password = value
        elseif key == "delay" then
            delayMs = tonumber(value)
        elseif key == "seed" then
            math.randomseed(tonumber(value))
        elseif arg ~= "--" and not string.match(arg, "^https?://") then
            error("mixed.lua: unknown argument " .. arg)
        end
    end
    assert(#tokens > 0 and #todos > 0 and #books > 0 and #reviews > 0 and email and password,
        "mixed.lua: tokens, todos, books, reviews, email and password are all needed")
    prefix = "mixed-" .. (threadNumber or 1)
    for _, entry in ipairs(WEIGHTS) do
        totalWeight = totalWeight + entry[2]
    end
end

local function pick(list)
    return list[math.random(#list)]
end

local function push(queue, item)
    queue[#queue + 1] = item
end

local function pop(queue)
    -- the oldest first: a todo spends about as long at each step
    return table.remove(queue, 1)
end

local function bearer(account)
    return "Bearer " .. tokens[account]
end

-- Formats a request of this kind and remembers what it was for, under the request id it carries.
local function send(kind, method, path, headers, body, todo)
    sequence = sequence + 1
    local id = prefix .. "-" .. sequence .. "-" .. kind
    headers = headers or {}
    headers["X-Request-Id"] = id
    if body then
        headers["Content-Type"] = "application/json"
    end
    pending[id] = {kind = kind, todo = todo}
    return wrk.format(method, path, headers, body)
end

local function json(text)
    return '"' .. string.gsub(text, '["\\]', "\\%0") .. '"'
end

-- The next step for a todo in the pipeline, from the latest step that has one waiting; a new todo when none does.
local function todoStep()
    local todo = pop(deleted)
    if todo then
        return send("get-deleted-todo", "GET", "/api/todos/" .. todo.id, {Authorization = bearer(todo.account)})
    end
    todo = pop(patched)
    if todo then
        return send("delete-todo", "DELETE", "/api/todos/" .. todo.id,
            {Authorization = bearer(todo.account), ["If-Match"] = '"' .. todo.version .. '"'}, nil, todo)
    end
    todo = pop(replaced)
    if todo then
        return send("patch-todo-stale", "PATCH", "/api/todos/" .. todo.id,
            {Authorization = bearer(todo.account), ["If-Match"] = '"' .. todo.previous .. '"'},
            '{"completed":false}', todo)
    end
    todo = pop(created)
    if todo then
        return send("replace-todo", "PUT", "/api/todos/" .. todo.id,
            {Authorization = bearer(todo.account), ["If-Match"] = '"' .. todo.version .. '"'},
            '{"title":"Replaced ' .. sequence .. '","completed":true}', todo)
    end
    local account = math.random(#tokens)
    return send("create-todo", "POST", "/api/todos", {Authorization = bearer(account)},
        '{"title":"Mixed ' .. sequence .. '"}', {account = account})
end

function request()
    local next = sequence + 1
    if next % SIGN_IN_EVERY == SIGN_IN_EVERY / 2 then
        signInsDue = signInsDue + 1
    end
    if next % WRONG_PASSWORD_EVERY == 0 then
        wrongPasswordsDue = wrongPasswordsDue + 1
    end
    if not hashing and wrongPasswordsDue > 0 then
        wrongPasswordsDue, hashing = wrongPasswordsDue - 1, true
        return send("sign-in-wrong-password", "POST", "/api/sessions", nil,
            '{"email":' .. json(email) .. ',"password":"wrong"}')
    elseif not hashing and signInsDue > 0 then
        signInsDue, hashing = signInsDue - 1, true
        return send("sign-in", "POST", "/api/sessions", nil,
            '{"email":' .. json(email) .. ',"password":' .. json(password) .. '}')
    end
    local r = math.random() * totalWeight
    local kind = WEIGHTS[#WEIGHTS][1]
    for _, entry in ipairs(WEIGHTS) do
        r = r - entry[2]
        if r < 0 then
            kind = entry[1]
            break
        end
    end
    if kind == "todo-pipeline" then
        return todoStep()
    elseif kind == "list-todos" then
        return send(kind, "GET", "/api/todos?limit=20", {Authorization = bearer(math.random(#tokens))})
    elseif kind == "get-todo" then
        local todo = pick(todos)
        return send(kind, "GET", "/api/todos/" .. todo.id, {Authorization = bearer(todo.account)})
    elseif kind == "get-todo-304" then
        local todo = pick(todos)
        return send(kind, "GET", "/api/todos/" .. todo.id,
            {Authorization = bearer(todo.account), ["If-None-Match"] = '"' .. todo.version .. '"'})
    elseif kind == "create-todo-idempotent" then
        local account = math.random(#tokens)
        return send(kind, "POST", "/api/todos",
            {Authorization = bearer(account), ["Idempotency-Key"] = prefix .. "-once-" .. account},
            '{"title":"Exactly once"}')
    elseif kind == "search-books" then
        local sort = pick(SORTS)
        return send(kind, "GET", "/api/books?q=" .. pick(WORDS)
            .. (sort == "" and "&facets=genre,decade" or "&sort=" .. sort) .. "&page=" .. math.random(3))
    elseif kind == "get-book" then
        return send(kind, "GET", "/api/books/" .. pick(books).id)
    elseif kind == "get-book-304" then
        local book = pick(books)
        return send(kind, "GET", "/api/books/" .. book.id, {["If-None-Match"] = '"' .. book.version .. '"'})
    elseif kind == "list-reviews" then
        return send(kind, "GET", "/api/books/" .. pick(books).id .. "/reviews")
    elseif kind == "get-review" then
        local review = split(pick(reviews), "/")
        return send(kind, "GET", "/api/books/" .. review[1] .. "/reviews/" .. review[2])
    else
        local review = split(pick(reviews), "/")
        return send("second-review", "POST", "/api/books/" .. review[1] .. "/reviews",
            {Authorization = bearer(math.random(#tokens))}, '{"rating":3,"text":"Again"}')
    end
end

function delay()
    return delayMs
end

local function header(headers, name)
    return headers[name] or headers[string.lower(name)]
end

function response(status, headers, body)
    local id = header(headers, "X-Request-Id")
    local sent = id and pending[id]
    local kind = sent and sent.kind or "unmatched"
    if sent then
        pending[id] = nil
    end
    if kind == "sign-in" or kind == "sign-in-wrong-password" then
        hashing = false
    end
    local name = "count " .. kind .. " " .. status
    local n = _G[name]
    if n == nil then
        tallied = tallied .. kind .. " " .. status .. ";"
        n = 0
    end
    _G[name] = n + 1
    local expected = EXPECTED[kind]
    if not (expected and expected[status]) then
        unexpected = unexpected + 1
        if unexpected <= 10 then
            examples = examples .. kind .. " " .. status .. " " .. string.gsub(string.sub(body or "", 1, 300), "\n", " ")
                .. "\n"
        end
        return
    end
    -- move the todo along the pipeline
    local todo = sent.todo
    if kind == "create-todo" then
        todo.id = string.match(body, '"id":"([^"]+)"')
        todo.version = string.match(body, '"version":(%d+)')
        push(created, todo)
    elseif kind == "replace-todo" then
        todo.previous = todo.version
        todo.version = string.match(body, '"version":(%d+)')
        push(replaced, todo)
    elseif kind == "patch-todo-stale" then
        push(patched, todo)
    elseif kind == "delete-todo" then
        push(deleted, todo)
    end
end

local function quote(text)
    return '"' .. string.gsub(tostring(text), '[%c"\\]', function(c)
        if c == '"' or c == "\\" then
            return "\\" .. c
        end
        return string.format("\\u%04x", string.byte(c))
    end) .. '"'
end

function done(summary, latency, requests)
    local merged, unexpectedTotal, allExamples = {}, 0, {}
    for _, thread in ipairs(threads) do
        for kind, status in string.gmatch(thread:get("tallied"), "([^ ;]+) (%d+);") do
            merged[kind] = merged[kind] or {}
            merged[kind][status] = (merged[kind][status] or 0) + thread:get("count " .. kind .. " " .. status)
        end
        unexpectedTotal = unexpectedTotal + thread:get("unexpected")
        for example in string.gmatch(thread:get("examples"), "[^\n]+") do
            allExamples[#allExamples + 1] = example
        end
    end
    local kinds = {}
    for kind, statuses in pairs(merged) do
        local parts = {}
        for status, n in pairs(statuses) do
            parts[#parts + 1] = quote(status) .. ":" .. n
        end
        kinds[#kinds + 1] = quote(kind) .. ":{" .. table.concat(parts, ",") .. "}"
    end
    local quoted = {}
    for _, example in ipairs(allExamples) do
        quoted[#quoted + 1] = quote(example)
    end
    local e = summary.errors
    io.write(string.format('MIXED {"requests":%d,"duration_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,'
        .. '"timeout":%d},"latency_us":{"p50":%d,"p99":%d,"max":%d},"counts":{%s},"unexpected":%d,'
        .. '"examples":[%s]}\n', summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout,
        latency:percentile(50), latency:percentile(99), latency.max, table.concat(kinds, ","), unexpectedTotal,
        table.concat(quoted, ",")))
end
