// lua-runner runs an Argo CD resource health script (health.lua) against one Kubernetes object
// the way Argo CD's application controller does, and prints the health it returns as JSON.
//
// What "the way Argo CD does" means here (Argo CD v3.6, util/lua):
//   - gopher-lua (Lua 5.1), the same module version Argo CD pins;
//   - for a customization from argocd-cm, the standard libraries are NOT opened: only package,
//     base and table, plus an `os` reduced to time() and date(). So a script that calls
//     string.format or math.floor works in Argo CD's own test harness (which opens all
//     libraries) but fails for users; this runner fails it too. --open-libs opens everything,
//     as Argo CD does for a customization that sets useOpenLibs (and for its built-in scripts);
//   - the object is read with sigs.k8s.io/yaml into map[string]any and handed to Lua as the
//     global `obj` (numbers become Lua numbers, JSON null becomes nil);
//   - the script gets one second;
//   - the value the script leaves on top of the stack is encoded with layeh.com/gopher-json and
//     decoded into {status, message}; a status outside Argo CD's set becomes Unknown with Argo
//     CD's "Lua returned an invalid health status".
//
// Usage: lua-runner [--open-libs] <health.lua> <object.yaml|object.json|->
// Output: {"status":"Healthy","message":"..."} on stdout, or `null` when the script returns nil
// (Argo CD then shows no health); exit 1 with the error on stderr when the script fails.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	lua "github.com/yuin/gopher-lua"
	luajson "layeh.com/gopher-json"
	"sigs.k8s.io/yaml"
)

// health mirrors gitops-engine's HealthStatus: the two fields a health script returns.
type health struct {
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
}

var validStatuses = map[string]bool{
	"Unknown": true, "Progressing": true, "Suspended": true, "Healthy": true, "Degraded": true, "Missing": true,
}

const scriptTimeout = time.Second

func main() {
	openLibs := flag.Bool("open-libs", false, "open all standard libraries (argocd-cm useOpenLibs)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: lua-runner [--open-libs] <health.lua> <object.yaml|->")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	out, err := run(flag.Arg(0), flag.Arg(1), *openLibs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "lua-runner:", err)
		os.Exit(1)
	}
	fmt.Println(string(out))
}

func run(scriptPath, objectPath string, openLibs bool) ([]byte, error) {
	script, err := os.ReadFile(scriptPath)
	if err != nil {
		return nil, err
	}
	var raw []byte
	if objectPath == "-" {
		raw, err = io.ReadAll(os.Stdin)
	} else {
		raw, err = os.ReadFile(objectPath)
	}
	if err != nil {
		return nil, err
	}
	object := map[string]any{}
	if err := yaml.Unmarshal(raw, &object); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", objectPath, err)
	}
	result, err := evaluate(string(script), object, openLibs)
	if err != nil {
		return nil, err
	}
	return json.Marshal(result)
}

// evaluate returns nil when the script returns nil (no health).
func evaluate(script string, object map[string]any, openLibs bool) (*health, error) {
	L := lua.NewState(lua.Options{SkipOpenLibs: !openLibs})
	defer L.Close()
	if !openLibs {
		for _, lib := range []struct {
			name string
			open lua.LGFunction
		}{
			{lua.LoadLibName, lua.OpenPackage},
			{lua.BaseLibName, lua.OpenBase},
			{lua.TabLibName, lua.OpenTable},
		} {
			if err := L.CallByParam(lua.P{Fn: L.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
				return nil, err
			}
		}
		if err := openSafeOs(L); err != nil {
			return nil, err
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), scriptTimeout)
	defer cancel()
	L.SetContext(ctx)
	L.SetGlobal("obj", toLua(L, object))

	fn, err := L.LoadString(script)
	if err != nil {
		return nil, err
	}
	L.Push(fn)
	if err := L.PCall(0, lua.MultRet, nil); err != nil {
		return nil, err
	}

	returned := L.Get(-1)
	switch returned.Type() {
	case lua.LTNil:
		return nil, nil
	case lua.LTTable:
	default:
		return nil, fmt.Errorf("expect table output from Lua script, not %s", returned.Type())
	}
	encoded, err := luajson.Encode(returned)
	if err != nil {
		return nil, err
	}
	result := &health{}
	if err := json.Unmarshal(encoded, result); err != nil {
		// gopher-json encodes an empty table as [], which Argo CD reads as an empty health.
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Value == "array" {
			return &health{}, nil
		}
		return nil, err
	}
	if !validStatuses[result.Status] {
		return &health{Status: "Unknown", Message: "Lua returned an invalid health status"}, nil
	}
	return result, nil
}

// openSafeOs gives scripts only the clock functions of `os` (what Argo CD's safe os library
// offers), both as the global and through require("os"), so no script can run commands, read
// the environment or touch files.
func openSafeOs(L *lua.LState) error {
	if err := L.CallByParam(lua.P{Fn: L.NewFunction(lua.OpenOs), NRet: 1, Protect: true}, lua.LString(lua.OsLibName)); err != nil {
		return err
	}
	full, ok := L.Get(-1).(*lua.LTable)
	L.Pop(1)
	if !ok {
		return errors.New("gopher-lua's os library did not return a table")
	}
	safe := L.NewTable()
	for _, name := range []string{"time", "date"} {
		safe.RawSetString(name, full.RawGetString(name))
	}
	L.SetGlobal(lua.OsLibName, safe)
	if loaded, ok := L.GetField(L.Get(lua.RegistryIndex), "_LOADED").(*lua.LTable); ok {
		loaded.RawSetString(lua.OsLibName, safe)
	}
	return nil
}

// toLua converts a decoded JSON value the way Argo CD hands objects to scripts (sigs.k8s.io/yaml
// decodes every number as float64).
func toLua(L *lua.LState, value any) lua.LValue {
	switch v := value.(type) {
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case []any:
		t := L.CreateTable(len(v), 0)
		for _, item := range v {
			t.Append(toLua(L, item))
		}
		return t
	case map[string]any:
		t := L.CreateTable(0, len(v))
		for key, item := range v {
			t.RawSetH(lua.LString(key), toLua(L, item))
		}
		return t
	default:
		return lua.LNil
	}
}
